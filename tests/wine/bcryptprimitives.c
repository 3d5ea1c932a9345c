/* For the Windows smoke test under Wine only; never shipped.
 *
 * Rust's standard library (1.78 and later) takes its randomness from
 * ProcessPrng in bcryptprimitives.dll. Real Windows 10 and 11 have it;
 * Debian 12's Wine 8 does not, and refuses to start the program (c0000135).
 * This stand-in, placed beside the .exe, fills the buffer from advapi32's
 * RtlGenRandom (SystemFunction036), which Wine has. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
