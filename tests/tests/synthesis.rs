//! The synthesis's two versions and its language: the facilitator's shows
//! table names and the ideas set aside (marked); the one for publication
//! numbers the tables and leaves out what the screens hide; an English
//! workshop's is in English; a bad option or a wrong secret is refused.
//! (The source's workshops are checked figure by figure in `workshops.rs`.)

use ruche_shared::methods::grouping;
use ruche_shared::{Command, IdeaId, notes};
use ruche_tests::scene::Scene;
use ruche_tests::{TestServer, create_workshop, get_as_facilitator, synthesis};
use serde_json::json;

/// An ideation where « Les Lilas » wrote i0 and « Les <Roses> » i1 and i2,
/// the facilitator set i2 aside, and the Lilas gave 3 points to i1.
async fn voted_with_an_idea_set_aside(server: &TestServer) -> Scene {
    let mut scene = Scene::ideation(server.addr, &["Les Lilas", "Les <Roses>"]).await;
    scene.tables[0].submit("Un jardin partagé").await;
    scene.tables[1].submit("Des bancs à l'ombre").await;
    scene.tables[1]
        .submit("Un texte hors sujet & déplacé")
        .await;
    scene.facilitator.go_and_open(1).await;
    scene
        .facilitator
        .accepted(Command::SetIdeaHidden(grouping::SetIdeaHidden {
            idea: IdeaId(2),
            hidden: true,
        }))
        .await;
    scene.facilitator.go_and_open(2).await;
    scene.tables[0].vote(1, 3).await;
    scene
        .facilitator
        .accepted(Command::SetNotes(notes::SetNotes {
            place: "Salle des fêtes".into(),
            conclusions: "Retenu : le jardin.\nEssai en mars.\n\nProchaine réunion : <avril>"
                .into(),
        }))
        .await;
    scene
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_version_numbers_tables_and_leaves_out_what_screens_hide() {
    let server = TestServer::spawn().await;
    let scene = voted_with_an_idea_set_aside(&server).await;

    let mut scene = scene;
    // The notes are the facilitator's on the screens: no table receives them.
    let mut seen = Vec::new();
    let quiet = std::time::Duration::from_millis(300);
    while let Ok(Some(message)) = tokio::time::timeout(quiet, scene.tables[1].try_recv()).await {
        seen.push(message);
    }
    assert!(
        !format!("{seen:?}").contains("Essai en mars"),
        "a table received the notes: {seen:?}"
    );

    let facilitators = synthesis::fetch(server.addr, &scene.created, "").await;
    // The conclusions come first, as written (paragraphs, line breaks).
    assert!(facilitators.contains("<p class=\"place\">Lieu : Salle des fêtes</p>"));
    assert!(facilitators.contains(
        "<h2>Conclusions</h2><p>Retenu : le jardin.<br>Essai en mars.</p><p>Prochaine réunion : &lt;avril&gt;</p>"
    ));
    assert!(facilitators.contains("Les &lt;Roses&gt;"), "names escaped");
    assert!(!facilitators.contains("Les <Roses>"));
    assert!(
        facilitators
            .contains("Un texte hors sujet &amp; déplacé <span class=\"hidden\">(écartée)</span>"),
        "the idea set aside is shown to the facilitator, marked"
    );
    assert!(facilitators.contains("<td>3 (dont écartées par l’animateur 1)</td>"));

    let public = synthesis::fetch(server.addr, &scene.created, "public=1").await;
    for hidden in ["Les Lilas", "Roses", "Un texte", "déplacé"] {
        assert!(!public.contains(hidden), "{hidden} is not published");
    }
    assert!(public.contains("Un jardin partagé <span class=\"author\">— Table 1</span>"));
    assert!(public.contains("Des bancs à l&#39;ombre <span class=\"author\">— Table 2</span>"));
    assert!(public.contains("Version pour publication"));
    assert!(
        public.contains("Essai en mars"),
        "the conclusions are published"
    );
    assert!(public.contains("<td>2</td>"), "two ideas published");
    if let Some(printed) = synthesis::print(&public, "synthese-publication").await {
        assert!(printed.text.contains("Table 1"));
        assert!(!printed.text.contains("Lilas") && !printed.text.contains("déplacé"));
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_workshop_gets_an_english_synthesis_and_bad_requests_a_clear_no() {
    let server = TestServer::spawn().await;
    let created = create_workshop(
        server.addr,
        json!({"template": "ideation", "title": "Town hall", "question": "How?", "lang": "en"}),
    )
    .await;
    let html = synthesis::fetch(server.addr, &created, "utc_offset=-300").await;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Workshop synthesis"));
    assert!(html.contains("30 points per table, at most 3 per idea, not on its own ideas"));
    assert!(!html.contains("(UTC)"), "the reader's offset was given");

    let url = |query: &str| {
        server.url(&format!(
            "/api/workshops/{}/export.html?{query}",
            created.workshop
        ))
    };
    for query in ["utc_offset=abc", "utc_offset=5000", "colour=red"] {
        let answer = get_as_facilitator(&url(query), &created.facilitator_secret).await;
        assert_eq!(answer.status(), 400, "{query}");
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "bad_request", "{query}: {body}");
    }
    let stranger = get_as_facilitator(&url(""), "not-the-secret").await;
    assert_eq!(stranger.status(), 401);
    server.stop().await;
}
