//! Which screen an address shows, written once for the server (the links it
//! prints), the web client (its router), and tests. Routes live in the URL's fragment (`#/…`),
//! which browsers never send to the server: the server serves one page, and a
//! facilitator secret passed in a link never reaches a log or a query string.
//!
//! - `#/`: the landing page (join, or create a workshop)
//! - `#/join/CODE`: a tablet's join form with the code filled in (the wall's QR code)
//! - `#/table/CODE`: the tablet of a table that joined (its token is in local storage)
//! - `#/takeover/CODE/HANDOVER`: a new tablet taking over a table (the
//!   console's QR code for a table whose tablet failed)
//! - `#/wall/CODE`: the wall screen
//! - `#/facilitate/ID` (or `#/facilitate/ID/SECRET` once, from a creation or `--demo`)

/// A screen and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Join a workshop (what a phone opening Ruche's address sees).
    Landing,
    /// Create a workshop (the facilitator's page).
    Create,
    /// The tablet: join form if it has no table yet for this code, else its table.
    Tablet {
        /// The workshop's join code.
        code: String,
    },
    /// A new tablet taking over a table, with the facilitator's handover code.
    TakeOver {
        /// The workshop's join code.
        code: String,
        /// The handover code.
        handover: String,
    },
    /// The projected wall.
    Wall {
        /// The workshop's join code.
        code: String,
    },
    /// The facilitator's console.
    Facilitator {
        /// The workshop's id.
        workshop: String,
        /// The secret, when the link carries it (it is then moved to local storage).
        secret: Option<String>,
    },
}

impl Route {
    /// The route of a URL fragment (with or without its leading `#`).
    pub fn parse(fragment: &str) -> Route {
        let path = fragment.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.split('/').filter(|p| !p.is_empty());
        let clean = |part: Option<&str>| {
            part.map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty() && p.len() <= 128)
        };
        // A join code typed into an address: « 110 697 » arrives as
        // `110%20697`; only its digits count.
        let code = |part: Option<&str>| {
            clean(part)
                .map(|p| super::normalise_code(&p.replace("%20", "")))
                .filter(|p| !p.is_empty())
        };
        match parts.next() {
            Some("join" | "table") => match code(parts.next()) {
                Some(code) => Route::Tablet { code },
                None => Route::Landing,
            },
            Some("takeover") => match (code(parts.next()), code(parts.next())) {
                (Some(code), Some(handover)) => Route::TakeOver { code, handover },
                (Some(code), None) => Route::Tablet { code },
                _ => Route::Landing,
            },
            Some("wall") => match code(parts.next()) {
                Some(code) => Route::Wall { code },
                None => Route::Landing,
            },
            Some("create") => Route::Create,
            Some("facilitate") => match clean(parts.next()) {
                Some(workshop) => Route::Facilitator {
                    workshop,
                    secret: clean(parts.next()),
                },
                None => Route::Landing,
            },
            _ => Route::Landing,
        }
    }

    /// What a facilitator pasted into the secret field: the whole
    /// facilitation link (`http://…/#/facilitate/<workshop>/<secret>`, or its
    /// fragment) gives its workshop and secret; anything else is taken as the
    /// secret alone (`None`).
    pub fn facilitation_link(pasted: &str) -> Option<(String, String)> {
        let fragment = pasted.trim().split_once('#')?.1;
        match Route::parse(fragment) {
            Route::Facilitator {
                workshop,
                secret: Some(secret),
            } => Some((workshop, secret)),
            _ => None,
        }
    }

    /// Which of the client's bundles draws this route: the room's
    /// (joining, tablets, the wall: what every tablet downloads), the
    /// console's, or the designer's (creating a workshop). Each is a
    /// separate download, so a tablet never loads the facilitator's screens.
    pub fn bundle(&self) -> Bundle {
        match self {
            Route::Landing | Route::Tablet { .. } | Route::TakeOver { .. } => Bundle::Room,
            Route::Wall { .. } => Bundle::Wall,
            Route::Create => Bundle::Designer,
            Route::Facilitator { .. } => Bundle::Console,
        }
    }

    /// The fragment for this route (never with the secret).
    pub fn fragment(&self) -> String {
        match self {
            Route::Landing => "#/".to_owned(),
            Route::Create => "#/create".to_owned(),
            Route::Tablet { code } => format!("#/join/{code}"),
            Route::TakeOver { code, handover } => format!("#/takeover/{code}/{handover}"),
            Route::Wall { code } => format!("#/wall/{code}"),
            Route::Facilitator { workshop, .. } => format!("#/facilitate/{workshop}"),
        }
    }

    /// The fragment with the facilitator's secret, when the route carries one:
    /// the link a facilitator keeps (it opens the console on any computer).
    pub fn link_fragment(&self) -> String {
        match self {
            Route::Facilitator {
                workshop,
                secret: Some(secret),
            } => format!("#/facilitate/{workshop}/{secret}"),
            other => other.fragment(),
        }
    }
}

/// The client's four bundles (see [`Route::bundle`]): each screen's
/// download holds only what it draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Joining and the tablet: what every table downloads.
    Room,
    /// The wall (the projector's screen).
    Wall,
    /// The facilitator's console.
    Console,
    /// Creating a workshop: templates, programmes, the step designer.
    Designer,
}

impl Bundle {
    /// Its files' name: `/<name>.js` and `/<name>_bg.wasm`.
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Room => "ruche_room",
            Bundle::Wall => "ruche_wall",
            Bundle::Console => "ruche_console",
            Bundle::Designer => "ruche_designer",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_route_belongs_to_one_bundle() {
        assert_eq!(Route::parse("#/create"), Route::Create);
        assert_eq!(Route::Create.fragment(), "#/create");
        for (fragment, bundle) in [
            ("#/", Bundle::Room),
            ("#/join/123456", Bundle::Room),
            ("#/wall/123456", Bundle::Wall),
            ("#/takeover/123456/48392017", Bundle::Room),
            ("#/create", Bundle::Designer),
            ("#/facilitate/w1/s", Bundle::Console),
        ] {
            assert_eq!(Route::parse(fragment).bundle(), bundle, "{fragment}");
        }
    }

    #[test]
    fn a_pasted_facilitation_link_gives_its_workshop_and_secret() {
        assert_eq!(
            Route::facilitation_link(" http://192.168.1.10:8080/#/facilitate/w1/s3cret \n"),
            Some(("w1".into(), "s3cret".into()))
        );
        assert_eq!(
            Route::facilitation_link("#/facilitate/w1/s3cret"),
            Some(("w1".into(), "s3cret".into()))
        );
        assert_eq!(Route::facilitation_link("s3cret"), None, "a secret alone");
        assert_eq!(Route::facilitation_link("http://x/#/facilitate/w1"), None);
        assert_eq!(Route::facilitation_link("http://x/#/wall/123456"), None);
    }

    #[test]
    fn a_join_code_typed_with_spaces_or_dashes_is_its_digits() {
        assert_eq!(
            Route::parse("#/join/110%20697"),
            Route::Tablet {
                code: "110697".into()
            }
        );
        assert_eq!(
            Route::parse("#/wall/110-697"),
            Route::Wall {
                code: "110697".into()
            }
        );
        assert_eq!(Route::parse("#/join/abc"), Route::Landing);
    }

    #[test]
    fn every_screen_has_its_address() {
        assert_eq!(Route::parse(""), Route::Landing);
        assert_eq!(Route::parse("#/"), Route::Landing);
        assert_eq!(
            Route::parse("#/join/123456"),
            Route::Tablet {
                code: "123456".into()
            }
        );
        assert_eq!(
            Route::parse("#/wall/123456/"),
            Route::Wall {
                code: "123456".into()
            }
        );
        assert_eq!(
            Route::parse("#/facilitate/w1/s3cret"),
            Route::Facilitator {
                workshop: "w1".into(),
                secret: Some("s3cret".into())
            }
        );
        let takeover = Route::parse("#/takeover/123456/4839%202017");
        assert_eq!(
            takeover,
            Route::TakeOver {
                code: "123456".into(),
                handover: "48392017".into()
            }
        );
        assert_eq!(takeover.fragment(), "#/takeover/123456/48392017");
        assert_eq!(
            Route::parse("#/takeover/123456"),
            Route::Tablet {
                code: "123456".into()
            },
            "without its handover code, the join form"
        );
        assert_eq!(Route::parse("#/wall"), Route::Landing);
        assert_eq!(Route::parse("#/nonsense/1"), Route::Landing);
    }

    #[test]
    fn the_fragment_a_route_writes_never_carries_the_secret() {
        let route = Route::parse("#/facilitate/w1/s3cret");
        assert_eq!(route.fragment(), "#/facilitate/w1");
        assert_eq!(
            Route::parse(&route.fragment()),
            Route::Facilitator {
                workshop: "w1".into(),
                secret: None
            }
        );
    }
}
