//! `--demo`: the source's workshops (ideation, evaluation, design
//! thinking: personas, a spider web, dots; the criteria workshop the
//! source suggests before its evaluation; the user journey map; the
//! benefits, needs and actions of « Regards croisés »), created
//! through the server's own HTTP API as a facilitator would, with the links
//! to open them printed.

use ruche_shared::api::route::Route;
use ruche_shared::api::{CREATE_WORKSHOP, CreateWorkshop};
use ruche_shared::{Template, WorkshopConfig, source, source_criteria};

/// Creates the demo workshops on the server listening on `port` and prints
/// each one's facilitator, wall and tablet links.
pub async fn create_demo(port: u16, tablets_base: &str) -> anyhow::Result<()> {
    let client = DemoClient { port };
    let ideation = Template::Ideation.setup(
        "Salle municipale",
        source::SALLE_QUESTION,
        Vec::new(),
        Vec::new(),
    );
    let evaluation = Template::Evaluation.setup(
        "Accueil des réfugiés",
        source::REFUGIES_QUESTION,
        source_criteria(),
        source::REFUGIES_IDEAS.map(str::to_owned).to_vec(),
    );
    let spider_web = Template::DesignThinking.setup(
        source::MAIRIE_TITLE,
        source::CELINE_QUESTION,
        Vec::new(),
        Vec::new(),
    );
    let criteria_then_evaluation = Template::CriteriaThenEvaluation.setup(
        source::CRITERES_TITLE,
        source::CRITERES_QUESTION,
        Vec::new(),
        source::REFUGIES_IDEAS.map(str::to_owned).to_vec(),
    );
    let user_journey = Template::UserJourney.setup(
        source::PARCOURS_TITLE,
        source::PARCOURS_QUESTION,
        Vec::new(),
        Vec::new(),
    );
    let regards = Template::BenefitsNeedsActions.setup(
        source::REGARDS_TITLE,
        source::REGARDS_QUESTION,
        Vec::new(),
        Vec::new(),
    );
    for setup in [
        ideation,
        evaluation,
        spider_web,
        criteria_then_evaluation,
        user_journey,
        regards,
    ] {
        let title = setup.title.clone();
        let config = WorkshopConfig::new(setup)?;
        let created = client.create(config).await?;
        let local = format!("http://localhost:{port}");
        let code = &created.join_code;
        println!("\nDemo workshop « {title} »  (join code {code})");
        let console = Route::Facilitator {
            workshop: created.workshop.clone(),
            secret: Some(created.facilitator_secret.clone()),
        };
        let wall = Route::Wall { code: code.clone() };
        let tablets = Route::Tablet { code: code.clone() };
        println!(
            "  facilitator (this laptop): {local}/{}",
            console.link_fragment()
        );
        println!("  wall (projector):          {local}/{}", wall.fragment());
        println!(
            "  tablets:                   {tablets_base}/{}",
            tablets.fragment()
        );
    }
    Ok(())
}

/// Creates demo workshops through the server's own HTTP API, as a facilitator would.
struct DemoClient {
    port: u16,
}

impl DemoClient {
    async fn create(
        &self,
        config: WorkshopConfig,
    ) -> anyhow::Result<ruche_shared::api::CreatedWorkshop> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = serde_json::to_string(&CreateWorkshop::from_setup(config.setup().clone()))?;
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await?;
        let request = format!(
            "POST {CREATE_WORKSHOP} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut response = String::new();
        stream.read_to_string(&mut response).await?;
        let json = response.split("\r\n\r\n").nth(1).unwrap_or_default();
        serde_json::from_str(json)
            .map_err(|e| anyhow::anyhow!("creating a demo workshop: {e}: {response}"))
    }
}
