//! The source's two workshops, end to end over real WebSockets against a real
//! server: a facilitator, five tables, a wall; the wall's results and the
//! exports and the synthesis (on screen and printed to PDF) are checked
//! number by number against `ruche_shared::source`; and a dot vote
//! (« gommettes »), the decision step of the design-thinking workshop.

use ruche_server::http::synthesis::escape;
use ruche_shared::flow;
use ruche_shared::methods::{budget_vote, divergence, dot_vote, grouping, scoring};
use ruche_shared::protocol::ServerMsg;
use ruche_shared::source::{
    REFUGIES_EXPECTED, REFUGIES_EXPECTED_RANKING, REFUGIES_IDEAS, REFUGIES_QUESTION,
    REFUGIES_SCORES, SALLE_CLUSTER, SALLE_EXPECTED_BARS, SALLE_IDEAS, SALLE_MERGE, SALLE_QUESTION,
    salle_vote_plans,
};
use ruche_shared::stats::ScoreStats;
use ruche_shared::{Command, IdeaId, ItemRef, Role, RuleViolation};
use ruche_tests::{
    Client, TestServer, assert_verifies, get_as_facilitator, synthesis, xlsx_sheets,
};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ideation_salle_municipale_end_to_end() {
    ideation_salle_municipale_end_to_end_scenario().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_ideation_salle_municipale_end_to_end() {
    ruche_tests::on_postgres(ideation_salle_municipale_end_to_end_scenario()).await;
}

async fn ideation_salle_municipale_end_to_end_scenario() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({ "template": "ideation", "title": "Salle municipale", "question": SALLE_QUESTION }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut wall = Client::wall(server.addr, &created.join_code).await;
    let mut tables = Vec::new();
    for n in 1..=5 {
        tables.push(Client::join(server.addr, &created.join_code, &format!("Table {n}")).await);
    }
    assert!(tables.iter().all(|t| {
        t.table_token
            .as_ref()
            .is_some_and(|token| token.len() == 32)
    }));
    assert_eq!(tables[4].role, Role::Table(ruche_shared::TableId(4)));

    // Divergence: ideas typed on tablets reach the wall.
    facilitator
        .accepted(Command::OpenStep(flow::OpenStep {
            duration_secs: Some(600),
        }))
        .await;
    for (table, texts) in tables.iter_mut().zip(SALLE_IDEAS) {
        for text in texts {
            table
                .accepted(Command::SubmitIdea(divergence::SubmitIdea {
                    text: text.into(),
                    category: None,
                    seat: None,
                }))
                .await;
        }
    }
    let last_idea = SALLE_IDEAS[4][2];
    wall.expect("the last idea on the wall", |m| {
        match m {
        ServerMsg::Events { events } => events.iter().any(|e| {
            matches!(&e.event, ruche_shared::Event::IdeaSubmitted(divergence::IdeaSubmitted { text, .. }) if text == last_idea)
        }).then_some(()),
        _ => None,
    }
    })
    .await;

    // Grouping: the facilitator merges the near-duplicate.
    facilitator
        .accepted(Command::GoToStep(flow::GoToStep { step: 1 }))
        .await;
    let ([a, b], title) = SALLE_MERGE;
    let items = vec![ItemRef::Idea(IdeaId(a)), ItemRef::Idea(IdeaId(b))];
    facilitator
        .accepted(Command::MergeItems(grouping::MergeItems {
            items,
            title: Some(title.into()),
        }))
        .await;

    // Convergence.
    facilitator.go_and_open(2).await;
    facilitator.show_results(true).await;
    let vote = |item, points| Command::SetVote(budget_vote::SetVote { item, points });
    tables[0]
        .rejected(vote(ItemRef::Idea(IdeaId(1)), 1), "own_idea")
        .await;
    // The group two tables wrote independently is neither's alone.
    tables[1].accepted(vote(SALLE_CLUSTER, 3)).await;
    tables[1].accepted(vote(SALLE_CLUSTER, 0)).await;
    tables[2]
        .rejected(vote(ItemRef::Idea(IdeaId(1)), 4), "item_cap_exceeded")
        .await;
    for (table, plan) in tables.iter_mut().zip(salle_vote_plans()) {
        for (item, points) in plan {
            table.accepted(vote(item, points)).await;
        }
    }
    let over = tables[3]
        .rejected(vote(ItemRef::Idea(IdeaId(2)), 3), "budget_exceeded")
        .await;
    assert_eq!(
        over,
        RuleViolation::BudgetExceeded {
            budget: 30,
            remaining: 0,
            requested: 1
        }
    );
    wall.rejected(
        Command::CloseStep(flow::CloseStep {}),
        "not_allowed_for_role",
    )
    .await;
    let expected: Vec<(String, u32, u32)> = SALLE_EXPECTED_BARS
        .iter()
        .map(|(item, points, t)| (item.to_string(), *points, *t))
        .collect();

    // The wall's histogram, once every vote is in.
    let bars = wall
        .results("the final histogram", |m| match m {
            ServerMsg::Results { votes: Some(h), .. } if h.tables_done == 5 => Some(
                h.bars
                    .iter()
                    .map(|b| (b.item.to_string(), b.points, b.tables))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .await;
    assert_eq!(bars, expected);

    // The CSV export says the same, as a French office's spreadsheet opens
    // it: a byte-order mark, `;` between cells, steps numbered from 1.
    let csv = get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.csv", created.workshop)),
        &created.facilitator_secret,
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(
        csv.starts_with("\u{feff}rubrique;étape;table;"),
        "CSV:\n{csv}"
    );
    let totals: Vec<(String, u32, u32)> = csv
        .lines()
        .filter(|line| line.starts_with("total_vote;3;"))
        .map(|line| {
            let cells: Vec<&str> = split_csv(line);
            let tables = cells[8].trim_end_matches(" tables").parse().unwrap();
            (cells[4].to_owned(), cells[7].parse().unwrap(), tables)
        })
        .collect();
    assert_eq!(totals, expected, "CSV:\n{csv}");
    assert!(
        csv.contains(&format!("groupe;;;;c0;{title};;;i0 i3")),
        "CSV:\n{csv}"
    );
    let table_1_points: u32 = csv
        .lines()
        .filter(|line| line.starts_with("vote;3;Table 1;"))
        .map(|line| split_csv(line)[7].parse::<u32>().unwrap())
        .sum();
    assert_eq!(table_1_points, 30);

    // The JSON export too.
    let export: serde_json::Value = get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.json", created.workshop)),
        &created.facilitator_secret,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(export["votes"][0]["histogram"]["bars"][0]["points"], 12);
    assert_eq!(
        export["clusters"][0]["authors"],
        json!(["Table 1", "Table 2"])
    );
    assert_eq!(export["ideas"].as_array().unwrap().len(), 15);
    // Anyone can re-count it; the spreadsheet carries the same final hash.
    let log_hash = assert_verifies(&export);
    let last_row = csv.lines().last().unwrap();
    let events = export["log"].as_array().unwrap().len();
    assert_eq!(
        last_row,
        format!("empreinte_du_journal;;;;;;;{log_hash};{events}")
    );

    // So does the workbook: a sheet per view, read back.
    let xlsx = get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.xlsx", created.workshop)),
        &created.facilitator_secret,
    )
    .await;
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\""),
    );
    let sheets = xlsx_sheets(xlsx.bytes().await.unwrap().to_vec());
    let names: Vec<&str> = sheets.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Atelier",
            "Idées",
            "Étape 3 · vote",
            "Étape 3 · points par table"
        ]
    );
    let ideas = &sheets[1].1;
    assert_eq!(ideas.len(), 1 + 15);
    assert_eq!(
        ideas[1],
        ["i0", SALLE_IDEAS[0][0], "Table 1", SALLE_MERGE.1, "", ""]
    );
    let bars: Vec<(String, String, String)> = sheets[2].1[1..]
        .iter()
        .map(|row| (row[1].clone(), row[3].clone(), row[4].clone()))
        .collect();
    let expected: Vec<(String, String, String)> = SALLE_EXPECTED_BARS
        .iter()
        .map(|(item, points, tables)| (item.to_string(), points.to_string(), tables.to_string()))
        .collect();
    assert_eq!(bars, expected);
    let ranks: Vec<&str> = sheets[2].1[1..].iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ranks[..7], ["1", "1", "1", "1", "1", "6", "6"]);
    let per_table = &sheets[3].1;
    assert_eq!(
        per_table[0][2..],
        ["Table 1", "Table 2", "Table 3", "Table 4", "Table 5"]
    );
    for column in 2..7 {
        let spent: u32 = per_table[1..]
            .iter()
            .map(|row| row[column].parse::<u32>().unwrap())
            .sum();
        assert_eq!(spent, 30, "every table spent its 30 points");
    }

    // The synthesis says the same, on screen and printed on A4.
    let html = synthesis::fetch(server.addr, &created, "utc_offset=60").await;
    assert!(html.contains("<th scope=\"row\">Tables</th><td>5 (3 places chacune)</td>"));
    assert!(html.contains("30 points par table, 3 au plus par idée, pas pour ses propres idées"));
    assert!(html.contains(&format!(
        "<h3>{} <span class=\"item\">c0</span></h3>",
        SALLE_MERGE.1
    )));
    for text in SALLE_IDEAS.iter().flatten() {
        assert!(html.contains(&escape(text)), "{text}");
    }
    let bar_rows: Vec<&str> = html
        .split("<tr>")
        .filter(|row| row.contains("<td class=\"chart-cell\">"))
        .collect();
    assert_eq!(bar_rows.len(), SALLE_EXPECTED_BARS.len());
    // Five ideas share the first place with 12 points: ties share a rank.
    assert!(
        bar_rows[0].starts_with("<td class=\"rank\">1=</td>"),
        "{}",
        bar_rows[0]
    );
    assert!(
        bar_rows[5].starts_with("<td class=\"rank\">6=</td>"),
        "{}",
        bar_rows[5]
    );
    for (row, (item, points, _)) in bar_rows.iter().zip(SALLE_EXPECTED_BARS) {
        assert!(
            row.contains(&format!("<span class=\"item\">{item}</span>")),
            "{row}"
        );
        assert!(
            row.contains(&format!("{points} points</td>")),
            "{item}: {row}"
        );
    }
    assert!(html.contains(&log_hash));
    if let Some(printed) = synthesis::print(&html, "synthese-salle-municipale").await {
        for text in SALLE_IDEAS.iter().flatten() {
            assert!(
                printed.text.contains(text),
                "{text} printed:\n{}",
                printed.text
            );
        }
        for (_, points, _) in SALLE_EXPECTED_BARS {
            assert!(printed.text.contains(&format!("{points} points")));
        }
        let unspaced: String = printed.text.split_whitespace().collect();
        assert!(unspaced.contains(&log_hash), "the hash is printed");
        assert!(printed.pages >= 2, "{} pages", printed.pages);
    }
    server.stop().await;
}

/// Splits a CSV line of a French workshop's export (quoted cells are not
/// needed by these checks).
fn split_csv(line: &str) -> Vec<&str> {
    line.split(';').collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evaluation_accueil_des_refugies_end_to_end() {
    evaluation_accueil_des_refugies_end_to_end_scenario().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_evaluation_accueil_des_refugies_end_to_end() {
    ruche_tests::on_postgres(evaluation_accueil_des_refugies_end_to_end_scenario()).await;
}

async fn evaluation_accueil_des_refugies_end_to_end_scenario() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "evaluation",
            "title": "Accueil des réfugiés",
            "question": REFUGIES_QUESTION,
            "items": REFUGIES_IDEAS,
        }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut wall = Client::wall(server.addr, &created.join_code).await;
    let mut tables = Vec::new();
    for n in 1..=5 {
        tables.push(Client::join(server.addr, &created.join_code, &format!("Table {n}")).await);
    }
    facilitator.open_step().await;
    facilitator.show_results(true).await;
    for (item, per_criterion) in REFUGIES_SCORES.iter().enumerate() {
        for (criterion, people) in per_criterion.iter().enumerate() {
            for (person, score) in people.iter().enumerate() {
                let command = Command::SetScore(scoring::SetScore {
                    seat: (person % 3) as u8 + 1,
                    item: item as u32,
                    criterion: criterion as u32,
                    score: Some(*score),
                });
                tables[person / 3].accepted(command).await;
            }
        }
    }
    let results = wall
        .results("complete scores", |m| match m {
            ServerMsg::Results {
                scores: Some(s), ..
            } if s
                .items
                .iter()
                .all(|i| i.criteria.iter().all(|c| c.scorers == 15)) =>
            {
                Some(s.clone())
            }
            _ => None,
        })
        .await;
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-9);
    for (item, per_criterion) in REFUGIES_EXPECTED.iter().enumerate() {
        for (criterion, (counts, mean, median, sd, iqr)) in per_criterion.iter().enumerate() {
            let stats = &results.items[item].criteria[criterion];
            assert_eq!(&stats.counts, counts, "item {item} criterion {criterion}");
            assert!(
                close(stats.mean, *mean) && close(stats.median, *median),
                "item {item} criterion {criterion}: {stats:?}"
            );
            assert!(
                close(stats.std_dev, *sd) && close(stats.iqr, *iqr),
                "item {item} criterion {criterion}: {stats:?}"
            );
        }
    }
    assert_eq!(results.ranking, REFUGIES_EXPECTED_RANKING);

    // The facilitator sees participation too: every seat scored everything.
    let participation = facilitator
        .results("participation", |m| match m {
            ServerMsg::Results {
                participation: Some(p),
                ..
            } if p.tables.len() == 5 && p.tables.iter().all(|t| t.scores_given == 45) => {
                Some(p.clone())
            }
            _ => None,
        })
        .await;
    assert!(participation.tables.iter().all(|t| t.scores_expected == 45));

    // The workbook: one row per idea and criterion, in the ranking's order,
    // with the engine's figures and the distribution.
    let xlsx = get_as_facilitator(
        &server.url(&format!("/api/workshops/{}/export.xlsx", created.workshop)),
        &created.facilitator_secret,
    )
    .await;
    let sheets = xlsx_sheets(xlsx.bytes().await.unwrap().to_vec());
    assert_eq!(sheets[1].0, "Étape 1 · notes");
    let rows = &sheets[1].1;
    assert_eq!(rows.len(), 1 + 5 * 3);
    for (n, row) in rows[1..].iter().enumerate() {
        let item = REFUGIES_EXPECTED_RANKING[n / 3] as usize;
        let (counts, _, median, _, _) = &REFUGIES_EXPECTED[item][n % 3];
        assert_eq!(row[1], REFUGIES_IDEAS[item]);
        assert_eq!(row[5].parse::<f64>().unwrap(), *median, "{row:?}");
        let given: Vec<u32> = row[9..20].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(&given, counts, "{row:?}");
    }

    // The synthesis: per idea and criterion, the engine's median, quartiles
    // and mean, in the ranking's order, on screen and printed.
    let html = synthesis::fetch(server.addr, &created, "").await;
    let cards: Vec<&str> = html.split("<article class=\"scored\">").skip(1).collect();
    assert_eq!(cards.len(), REFUGIES_IDEAS.len());
    let fr = |x: f64| format!("{x:.1}").replace('.', ",");
    let mut expected_figures = Vec::new();
    for (card, item) in cards.iter().zip(REFUGIES_EXPECTED_RANKING) {
        let item = item as usize;
        assert!(
            card.starts_with(&format!("<h4>{}", escape(REFUGIES_IDEAS[item]))),
            "{card}"
        );
        for (counts, mean, median, _, _) in &REFUGIES_EXPECTED[item] {
            let (q1, q3) = ScoreStats::from_counts(0, counts.to_vec())
                .quartiles(0)
                .unwrap();
            let figures = format!(
                "médiane {} · quartiles {}–{} · moyenne {} · 15 notes",
                fr(*median),
                fr(q1),
                fr(q3),
                fr(*mean)
            );
            assert!(card.contains(&figures), "{figures} in {card}");
            expected_figures.push(figures);
        }
    }
    assert!(
        html.contains("(heure UTC)"),
        "no offset given: UTC, said so"
    );
    if let Some(printed) = synthesis::print(&html, "synthese-accueil-des-refugies").await {
        for text in REFUGIES_IDEAS {
            assert!(printed.text.contains(text), "{text}");
        }
        for figures in expected_figures {
            assert!(
                printed.text.contains(&figures),
                "{figures} printed:\n{}",
                printed.text
            );
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dot_vote_end_to_end() {
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "ideation_then_dots",
            "title": "La mairie de demain",
            "question": "Comment pourrions-nous rendre la mairie accessible sans s'y déplacer ?",
        }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut wall = Client::wall(server.addr, &created.join_code).await;
    let mut a = Client::join(server.addr, &created.join_code, "Table A").await;
    let mut b = Client::join(server.addr, &created.join_code, "Table B").await;
    facilitator.open_step().await;
    let submit = |text: &str| {
        Command::SubmitIdea(divergence::SubmitIdea {
            text: text.to_owned(),
            category: None,
            seat: None,
        })
    };
    a.accepted(submit("Un guichet mobile")).await;
    b.accepted(submit("Des rendez-vous en visio")).await;
    b.accepted(submit("Un agent à domicile")).await;
    facilitator.go_and_open(2).await;
    let dot = |seat, idea, dots| {
        Command::SetDot(dot_vote::SetDot {
            seat,
            item: ItemRef::Idea(IdeaId(idea)),
            dots,
        })
    };
    // Table A's three people keep B's ideas; nobody keeps their own table's idea.
    a.rejected(dot(1, 0, 1), "own_idea").await;
    a.accepted(dot(1, 1, 1)).await;
    a.accepted(dot(2, 1, 1)).await;
    a.accepted(dot(3, 2, 1)).await;
    a.rejected(dot(3, 1, 1), "no_dots_left").await;
    a.rejected(dot(2, 2, 2), "dot_cap_exceeded").await;
    // A dot is a set: sent again, nothing changes; 0 takes it back.
    a.accepted(dot(1, 1, 1)).await;
    b.accepted(dot(1, 0, 1)).await;
    b.accepted(dot(2, 0, 1)).await;
    b.accepted(dot(3, 0, 1)).await;
    b.accepted(dot(3, 0, 0)).await;
    facilitator.show_results(true).await;
    let bars = wall
        .results("the dots", |m| match m {
            ServerMsg::Results { dots: Some(d), .. } if d.seats_done == 5 => Some(
                d.bars
                    .iter()
                    .map(|b| (b.item.to_string(), b.dots, b.seats))
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .await;
    assert_eq!(
        bars,
        vec![
            ("i0".to_owned(), 2, 2),
            ("i1".to_owned(), 2, 2),
            ("i2".to_owned(), 1, 1)
        ]
    );

    // The exports say the same, seat by seat.
    let url = |ext| server.url(&format!("/api/workshops/{}/export.{ext}", created.workshop));
    let export: serde_json::Value = get_as_facilitator(&url("json"), &created.facilitator_secret)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["dots"][0]["tally"]["bars"][0]["dots"], 2);
    assert_eq!(export["dots"][0]["by_seat"].as_array().unwrap().len(), 5);
    assert_verifies(&export);
    // The synthesis draws the dots as the wall does, and says the rules.
    let html = synthesis::fetch(server.addr, &created, "").await;
    assert!(
        html.contains(
            "1 gommette(s) par personne, 1 au plus par idée, pas sur les idées de sa table"
        )
    );
    let top = html
        .split("<tr>")
        .find(|row| row.contains("<td class=\"chart-cell\">"))
        .expect("a chart of dots");
    let first = export["dots"][0]["tally"]["bars"][0]["item"]
        .as_str()
        .unwrap();
    assert!(
        top.contains(&format!("<span class=\"item\">{first}</span>"))
            && top.contains("2 gommettes</td>"),
        "{top}"
    );
    let csv = get_as_facilitator(&url("csv"), &created.facilitator_secret)
        .await
        .text()
        .await
        .unwrap();
    let totals: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("total_gommettes;"))
        .collect();
    assert_eq!(totals.len(), 3, "CSV:\n{csv}");
    assert!(
        csv.contains("gommette;3;Table A;2;i1;Des rendez-vous en visio;;1;"),
        "CSV:\n{csv}"
    );
    server.stop().await;
}

/// The facilitator corrects a typo in an idea that already holds points:
/// the vote keeps its points, and every export says the text was changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_by_the_facilitator_is_said_in_every_export() {
    let server = TestServer::spawn().await;
    let mut scene = ruche_tests::scene::Scene::at_vote(server.addr, &["Mairie", "École"]).await;
    scene.tables[1].vote(0, 3).await;
    scene
        .facilitator
        .accepted(Command::EditIdea(divergence::EditIdea {
            idea: IdeaId(0),
            text: "Idée de la Mairie (corrigée)".into(),
        }))
        .await;
    let created = &scene.created;
    let get = |format: &str| {
        let url = server.url(&format!(
            "/api/workshops/{}/export.{format}",
            created.workshop
        ));
        async move {
            get_as_facilitator(&url, &created.facilitator_secret)
                .await
                .text()
                .await
                .unwrap()
        }
    };
    let csv = get("csv").await;
    let line = csv
        .lines()
        .find(|l| l.contains("Idée de la Mairie (corrigée)"))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(line.contains("modifiée par l'animateur"), "{line}");
    let html = get("html").await;
    assert!(html.contains("modifiée par l’animateur"), "synthesis");
    let json: serde_json::Value = serde_json::from_str(&get("json").await).unwrap();
    let idea = &json["ideas"][0];
    assert_eq!(
        (idea["corrected"].clone(), idea["text"].clone()),
        (json!(true), json!("Idée de la Mairie (corrigée)"))
    );
    let url = server.url(&format!("/api/workshops/{}/export.xlsx", created.workshop));
    let xlsx = get_as_facilitator(&url, &created.facilitator_secret).await;
    let sheets = xlsx_sheets(xlsx.bytes().await.unwrap().to_vec());
    // The ideas' sheet: a « Modifiée par l’animateur » column, ticked.
    let (_, ideas) = sheets
        .iter()
        .find(|(_, rows)| {
            rows.first()
                .is_some_and(|h| h.iter().any(|c| c == "Modifiée par l’animateur"))
        })
        .unwrap_or_else(|| panic!("{sheets:?}"));
    let row = ideas
        .iter()
        .find(|row| row.iter().any(|c| c == "Idée de la Mairie (corrigée)"))
        .unwrap();
    assert_eq!(row.last().map(String::as_str), Some("oui"), "{row:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spider_web_then_dots_end_to_end() {
    use ruche_shared::Event;
    use ruche_shared::methods::spider_web;
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "spider_web_then_dots",
            "title": "Imaginer la mairie de demain",
            "question": "Comment pourrions-nous aider Céline à organiser son mariage civil ?",
        }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut wall = Client::wall(server.addr, &created.join_code).await;
    let mut a = Client::join(server.addr, &created.join_code, "Table A").await;
    let mut b = Client::join(server.addr, &created.join_code, "Table B").await;
    facilitator.open_step().await;
    let submit = |text: &str| {
        Command::SubmitIdea(divergence::SubmitIdea {
            text: text.to_owned(),
            category: None,
            seat: None,
        })
    };
    let circle = |circle| Command::OpenCircle(spider_web::OpenCircle { circle });
    a.accepted(submit("Un dossier en ligne")).await;
    // Only the facilitator moves outwards, within the web's three circles.
    b.rejected(circle(1), "not_allowed_for_role").await;
    facilitator.rejected(circle(3), "unknown_circle").await;
    facilitator.accepted(circle(1)).await;
    b.accepted(submit("Un agent qui vient à domicile")).await;
    facilitator.accepted(circle(2)).await;
    a.accepted(submit("Un hologramme de l'officier")).await;
    // The wall hears each circle open and each idea's circle.
    let placed = wall
        .expect("the third idea with its circle", |m| match m {
            ServerMsg::Events { events } => events.iter().find_map(|e| match &e.event {
                Event::IdeaSubmitted(divergence::IdeaSubmitted { idea, circle, .. })
                    if idea.0 == 2 =>
                {
                    Some(*circle)
                }
                _ => None,
            }),
            _ => None,
        })
        .await;
    assert_eq!(placed, Some(2));

    // The dots go to the web's ideas, from any circle.
    facilitator.go_and_open(1).await;
    let dot = |seat, idea| {
        Command::SetDot(dot_vote::SetDot {
            seat,
            item: ItemRef::Idea(IdeaId(idea)),
            dots: 1,
        })
    };
    a.accepted(dot(1, 1)).await;
    b.accepted(dot(1, 2)).await;
    b.accepted(dot(2, 0)).await;

    // The exports say which circle each idea was written in.
    let url = |ext| server.url(&format!("/api/workshops/{}/export.{ext}", created.workshop));
    let export: serde_json::Value = get_as_facilitator(&url("json"), &created.facilitator_secret)
        .await
        .json()
        .await
        .unwrap();
    let circles: Vec<&serde_json::Value> = export["ideas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["circle"])
        .collect();
    assert_eq!(circles, [&json!(1), &json!(2), &json!(3)]);
    assert_eq!(export["dots"][0]["by_seat"].as_array().unwrap().len(), 3);
    assert_verifies(&export);
    let csv = get_as_facilitator(&url("csv"), &created.facilitator_secret)
        .await
        .text()
        .await
        .unwrap();
    let hologram = csv
        .lines()
        .find(|line| line.contains("Un hologramme"))
        .expect("the idea's row");
    assert!(hologram.ends_with(";cercle 3"), "{hologram}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personas_are_dealt_to_the_tables_end_to_end() {
    use ruche_shared::Event;
    use ruche_shared::methods::persona;
    let server = TestServer::spawn().await;
    let created = server
        .create(json!({
            "template": "design_thinking",
            "title": "Imaginer la mairie de demain",
            "question": "Comment pourrions-nous… ?",
        }))
        .await;
    let mut facilitator = Client::facilitator(server.addr, &created).await;
    let mut wall = Client::wall(server.addr, &created.join_code).await;
    let mut a = Client::join(server.addr, &created.join_code, "Table A").await;
    let _b = Client::join(server.addr, &created.join_code, "Table B").await;
    a.rejected(
        Command::DealPersonas(persona::DealPersonas {}),
        "not_allowed_for_role",
    )
    .await;
    facilitator
        .accepted(Command::DealPersonas(persona::DealPersonas {}))
        .await;
    facilitator
        .accepted(Command::GivePersona(persona::GivePersona {
            table: ruche_shared::TableId(1),
            persona: Some(3),
        }))
        .await;
    // Every screen hears who each table thinks for.
    for client in [&mut a, &mut wall] {
        client
            .expect("Table B thinks for Bernard", |m| match m {
                ServerMsg::Events { events } => events.iter().find_map(|e| match e.event {
                    Event::PersonaGiven(persona::PersonaGiven {
                        table,
                        persona: Some(3),
                    }) if table.0 == 1 => Some(()),
                    _ => None,
                }),
                _ => None,
            })
            .await;
    }
    // Table A turns Chloé's frustration into its own question.
    let question = |table, text: &str| {
        Command::SetTableQuestion(ruche_shared::methods::questions::SetTableQuestion {
            table,
            question: text.to_owned(),
        })
    };
    a.rejected(
        question(Some(ruche_shared::TableId(1)), "Et B ?"),
        "not_your_table",
    )
    .await;
    a.accepted(question(
        None,
        "Comment pourrions-nous aider Chloé à réserver à distance ?",
    ))
    .await;
    let url = server.url(&format!("/api/workshops/{}/export.json", created.workshop));
    let export: serde_json::Value = get_as_facilitator(&url, &created.facilitator_secret)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        export["tables"][0]["question"],
        "Comment pourrions-nous aider Chloé à réserver à distance ?"
    );
    assert_eq!(export["tables"][1]["question"], serde_json::Value::Null);
    assert_eq!(export["tables"][0]["persona"], "Chloé");
    assert_eq!(export["tables"][1]["persona"], "Bernard");
    // The synthesis prints them side by side.
    let html = synthesis::fetch(server.addr, &created, "").await;
    assert!(
        html.contains("<strong>Table A</strong> (pour Chloé) : Comment pourrions-nous aider Chloé à réserver à distance ?"),
        "{html}"
    );
    assert!(html.contains("<strong>Table B</strong> (pour Bernard) : Comment pourrions-nous… ?"));
    assert_eq!(export["setup"]["personas"][1]["name"], "Céline");
    assert_verifies(&export);
    server.stop().await;
}
