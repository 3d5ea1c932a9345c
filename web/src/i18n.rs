//! Every sentence the screens show, in French (the default) and English.
//!
//! One mechanism: a screen asks [`texts`] for the workshop's [`Lang`] and reads
//! a field. Both languages are the same struct, so a string missing from one
//! of them does not compile. The rules' refusals come from the engine
//! ([`ruche_shared::RuleViolation::message`]), already in both languages.

use ruche_shared::{Lang, StepKind};

/// The screens' sentences in one language.
pub struct Texts {
    pub app_name: &'static str,
    pub tagline: &'static str,
    pub language: &'static str,
    // landing
    pub join_heading: &'static str,
    pub join_code: &'static str,
    pub table_name: &'static str,
    pub table_name_hint: &'static str,
    pub join_button: &'static str,
    pub wall_button: &'static str,
    pub create_heading: &'static str,
    pub template: &'static str,
    pub template_ideation: &'static str,
    pub template_evaluation: &'static str,
    pub template_both: &'static str,
    pub template_dots: &'static str,
    pub title: &'static str,
    pub question: &'static str,
    pub items_to_score: &'static str,
    pub items_to_score_hint: &'static str,
    pub budget: &'static str,
    pub cap_per_item: &'static str,
    pub create_button: &'static str,
    pub creating: &'static str,
    pub secret_notice: &'static str,
    pub secret_label: &'static str,
    pub console_link: &'static str,
    // connection
    pub online: &'static str,
    pub connecting: &'static str,
    pub offline: &'static str,
    pub offline_short: &'static str,
    pub online_short: &'static str,
    pub connection: &'static str,
    pub loading: &'static str,
    pub unknown_code: &'static str,
    pub bad_secret: &'static str,
    pub too_many_attempts: &'static str,
    pub back_home: &'static str,
    // steps
    pub step: &'static str,
    pub step_open: &'static str,
    pub step_closed: &'static str,
    pub waiting_for_facilitator: &'static str,
    pub time_left: &'static str,
    // divergence
    pub your_idea: &'static str,
    pub submit_idea: &'static str,
    pub maybe_exists: &'static str,
    pub your_ideas: &'static str,
    pub other_ideas: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub delete: &'static str,
    pub no_ideas_yet: &'static str,
    // vote
    pub points_left: &'static str,
    pub points_of: &'static str,
    pub own_idea: &'static str,
    pub pending: &'static str,
    pub add_point: &'static str,
    pub remove_point: &'static str,
    pub vote_done: &'static str,
    // scoring
    pub seat: &'static str,
    pub left_to_score: &'static str,
    pub all_scored: &'static str,
    pub not_scored: &'static str,
    pub clear_score: &'static str,
    // results
    pub results: &'static str,
    pub results_hidden: &'static str,
    pub points: &'static str,
    pub tables_done: &'static str,
    pub mean: &'static str,
    pub spread: &'static str,
    pub ranking: &'static str,
    pub scorers: &'static str,
    pub consensus: &'static str,
    pub consensus_agreed: &'static str,
    pub consensus_rejected: &'static str,
    pub consensus_divided: &'static str,
    pub consensus_mixed: &'static str,
    pub consensus_none: &'static str,
    // facilitator
    pub facilitator: &'static str,
    pub join_code_label: &'static str,
    pub wall_link: &'static str,
    pub tablet_link: &'static str,
    pub tables: &'static str,
    pub no_tables_yet: &'static str,
    pub ideas: &'static str,
    pub ideas_heading: &'static str,
    pub points_spent: &'static str,
    pub scores_given: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub open_step: &'static str,
    pub close_step: &'static str,
    pub minutes: &'static str,
    pub lock_joining: &'static str,
    pub unlock_joining: &'static str,
    pub show_results: &'static str,
    pub hide_results: &'static str,
    pub results_shown: &'static str,
    pub results_private: &'static str,
    pub grouping: &'static str,
    pub merge_selected: &'static str,
    pub cluster_title: &'static str,
    pub rename: &'static str,
    pub split: &'static str,
    pub hide: &'static str,
    pub show: &'static str,
    pub hidden: &'static str,
    pub select: &'static str,
    pub export_json: &'static str,
    pub export_csv: &'static str,
    pub add_idea: &'static str,
    // wall
    pub scan_to_join: &'static str,
    pub or_go_to: &'static str,
}

/// French: what most of Ruche's users read.
pub static FR: Texts = Texts {
    app_name: "Ruche",
    tagline: "Ateliers d'intelligence collective en temps réel",
    language: "Langue",
    join_heading: "Rejoindre un atelier",
    join_code: "Code de l'atelier",
    table_name: "Nom de la table",
    table_name_hint: "par exemple « Table 4 »",
    join_button: "Rejoindre avec cette tablette",
    wall_button: "Ouvrir l'écran mural",
    create_heading: "Animer un atelier",
    template: "Déroulé",
    template_ideation: "Idéation : idées, regroupement, vote à points",
    template_evaluation: "Évaluation multicritère d'idées données",
    template_both: "Idéation puis évaluation des 5 meilleures idées",
    template_dots: "Idéation puis vote par gommettes (chacun garde une idée)",
    title: "Titre",
    question: "Question posée aux tables",
    items_to_score: "Idées à évaluer",
    items_to_score_hint: "une idée par ligne",
    budget: "Points par table",
    cap_per_item: "Points au plus par idée",
    create_button: "Créer l'atelier",
    creating: "Création…",
    secret_notice: "Gardez ce lien d'animation (en favori, par exemple) : il donne la main sur l'atelier, depuis n'importe quel ordinateur.",
    secret_label: "Secret d'animation de l'atelier",
    console_link: "Lien d'animation",
    online: "Connecté",
    connecting: "Connexion…",
    offline: "Hors ligne : nouvelle tentative",
    offline_short: "hors ligne",
    online_short: "en ligne",
    connection: "Connexion",
    loading: "Chargement…",
    unknown_code: "Ce code ne correspond à aucun atelier.",
    bad_secret: "Ce lien d'animation n'est pas valide.",
    too_many_attempts: "Trop d'essais de code depuis ce réseau : nouvel essai automatique dans une minute.",
    back_home: "Retour à l'accueil",
    step: "Étape",
    step_open: "ouverte",
    step_closed: "fermée",
    waiting_for_facilitator: "En attente de l'animateur…",
    time_left: "Temps restant",
    your_idea: "Votre idée",
    submit_idea: "Envoyer l'idée",
    maybe_exists: "Cette idée existe peut-être déjà :",
    your_ideas: "Vos idées",
    other_ideas: "Les idées des autres tables",
    edit: "Modifier",
    save: "Enregistrer",
    cancel: "Annuler",
    delete: "Supprimer",
    no_ideas_yet: "Pas encore d'idée.",
    points_left: "points restants",
    points_of: "points sur",
    own_idea: "Votre idée",
    pending: "envoi…",
    add_point: "Ajouter un point à",
    remove_point: "Retirer un point à",
    vote_done: "Tous vos points sont donnés. Merci !",
    seat: "Personne",
    left_to_score: "notes restantes",
    all_scored: "Tout est noté pour cette personne.",
    not_scored: "pas noté",
    clear_score: "Effacer",
    results: "Résultats",
    results_hidden: "Les résultats seront montrés par l'animateur.",
    points: "points",
    tables_done: "tables ont fini",
    mean: "moyenne",
    spread: "écart-type",
    ranking: "Classement",
    scorers: "notes",
    consensus: "Consensus",
    consensus_agreed: "consensus",
    consensus_rejected: "rejet partagé",
    consensus_divided: "avis partagés",
    consensus_mixed: "mitigé",
    consensus_none: "pas de note",
    facilitator: "Animation",
    join_code_label: "Code pour rejoindre",
    wall_link: "Écran mural",
    tablet_link: "Lien des tablettes",
    tables: "Tables",
    no_tables_yet: "Aucune table n'a encore rejoint.",
    ideas: "idées",
    ideas_heading: "Idées",
    points_spent: "points donnés",
    scores_given: "notes",
    previous: "Étape précédente",
    next: "Étape suivante",
    open_step: "Ouvrir l'étape",
    close_step: "Fermer l'étape",
    minutes: "minutes (facultatif)",
    lock_joining: "Fermer l'accès aux nouvelles tables",
    unlock_joining: "Rouvrir l'accès aux nouvelles tables",
    show_results: "Montrer les résultats aux tables et au mur",
    hide_results: "Cacher les résultats",
    results_shown: "Résultats visibles par tous",
    results_private: "Résultats visibles par vous seul",
    grouping: "Regroupement",
    merge_selected: "Regrouper la sélection",
    cluster_title: "Titre du groupe",
    rename: "Renommer",
    split: "Dégrouper",
    hide: "Masquer",
    show: "Afficher",
    hidden: "masquée",
    select: "Sélectionner",
    export_json: "Exporter (JSON)",
    export_csv: "Exporter (tableur CSV)",
    add_idea: "Ajouter une idée",
    scan_to_join: "Scannez pour rejoindre",
    or_go_to: "ou ouvrez",
};

/// English.
pub static EN: Texts = Texts {
    app_name: "Ruche",
    tagline: "Real-time collective intelligence workshops",
    language: "Language",
    join_heading: "Join a workshop",
    join_code: "Workshop code",
    table_name: "Table name",
    table_name_hint: "for example \u{201c}Table 4\u{201d}",
    join_button: "Join with this tablet",
    wall_button: "Open the wall screen",
    create_heading: "Run a workshop",
    template: "Programme",
    template_ideation: "Ideation: ideas, grouping, point vote",
    template_evaluation: "Multi-criteria scoring of given ideas",
    template_both: "Ideation, then scoring of the top 5 ideas",
    template_dots: "Ideation, then a dot vote (each person keeps one idea)",
    title: "Title",
    question: "Question for the tables",
    items_to_score: "Ideas to score",
    items_to_score_hint: "one idea per line",
    budget: "Points per table",
    cap_per_item: "Most points per idea",
    create_button: "Create the workshop",
    creating: "Creating…",
    secret_notice: "Keep this facilitation link (bookmark it): it gives control of the workshop, from any computer.",
    secret_label: "The workshop's facilitation secret",
    console_link: "Facilitation link",
    online: "Connected",
    connecting: "Connecting…",
    offline: "Offline: retrying",
    offline_short: "offline",
    online_short: "online",
    connection: "Connection",
    loading: "Loading…",
    unknown_code: "No workshop has this code.",
    bad_secret: "This facilitation link is not valid.",
    too_many_attempts: "Too many code attempts from this network: trying again by itself in a minute.",
    back_home: "Back to the start page",
    step: "Step",
    step_open: "open",
    step_closed: "closed",
    waiting_for_facilitator: "Waiting for the facilitator…",
    time_left: "Time left",
    your_idea: "Your idea",
    submit_idea: "Send the idea",
    maybe_exists: "This idea may already exist:",
    your_ideas: "Your ideas",
    other_ideas: "Other tables' ideas",
    edit: "Edit",
    save: "Save",
    cancel: "Cancel",
    delete: "Delete",
    no_ideas_yet: "No ideas yet.",
    points_left: "points left",
    points_of: "points of",
    own_idea: "Your idea",
    pending: "sending…",
    add_point: "Add a point to",
    remove_point: "Remove a point from",
    vote_done: "All your points are given. Thank you!",
    seat: "Person",
    left_to_score: "scores left",
    all_scored: "Everything is scored for this person.",
    not_scored: "not scored",
    clear_score: "Clear",
    results: "Results",
    results_hidden: "The facilitator will show the results.",
    points: "points",
    tables_done: "tables are done",
    mean: "mean",
    spread: "std. dev.",
    ranking: "Ranking",
    scorers: "scores",
    consensus: "Consensus",
    consensus_agreed: "consensus",
    consensus_rejected: "shared rejection",
    consensus_divided: "divided",
    consensus_mixed: "mixed",
    consensus_none: "no scores",
    facilitator: "Facilitation",
    join_code_label: "Code to join",
    wall_link: "Wall screen",
    tablet_link: "Tablets' link",
    tables: "Tables",
    no_tables_yet: "No table has joined yet.",
    ideas: "ideas",
    ideas_heading: "Ideas",
    points_spent: "points given",
    scores_given: "scores",
    previous: "Previous step",
    next: "Next step",
    open_step: "Open the step",
    close_step: "Close the step",
    minutes: "minutes (optional)",
    lock_joining: "Lock joining",
    unlock_joining: "Unlock joining",
    show_results: "Show results to tables and wall",
    hide_results: "Hide results",
    results_shown: "Results shown to everyone",
    results_private: "Results shown to you only",
    grouping: "Grouping",
    merge_selected: "Group the selection",
    cluster_title: "Group title",
    rename: "Rename",
    split: "Ungroup",
    hide: "Hide",
    show: "Show",
    hidden: "hidden",
    select: "Select",
    export_json: "Export (JSON)",
    export_csv: "Export (CSV spreadsheet)",
    add_idea: "Add an idea",
    scan_to_join: "Scan to join",
    or_go_to: "or open",
};

/// The sentences for `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// A step's name as a heading, e.g. "Vote à points".
pub fn step_title(kind: StepKind, lang: Lang) -> String {
    let name = ruche_shared::violation::step_name(kind, lang);
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A duration in seconds as `m:ss`.
pub fn clock(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A number with one decimal, in the language's style ("6,5" in French).
pub fn decimal(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_titles_are_capitalised_in_both_languages() {
        assert_eq!(step_title(StepKind::BudgetVote, Lang::Fr), "Vote à points");
        assert_eq!(
            step_title(StepKind::Scoring, Lang::En),
            "Multi-criteria scoring"
        );
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(decimal(6.54, Lang::Fr), "6,5");
        assert_eq!(decimal(6.54, Lang::En), "6.5");
        assert_eq!(clock(125), "2:05");
    }

    #[test]
    fn no_sentence_is_left_empty_or_untranslated_by_accident() {
        // Both languages are the same struct; an empty field is the only way
        // to "forget" a translation.
        let fields = |t: &Texts| [t.join_button, t.points_left, t.maybe_exists, t.vote_done];
        for (fr, en) in fields(&FR).iter().zip(fields(&EN)) {
            assert!(!fr.is_empty() && !en.is_empty());
            assert_ne!(*fr, en);
        }
    }
}
