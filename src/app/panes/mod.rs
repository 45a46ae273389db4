//! The tabs, each a [`Pane`] in a module of its own. Adding a tab is a module here and one line in the [`tabs!`]
//! list below, which makes both the [`Tab`] it is known by and the pane that serves it.

pub mod assets;
pub mod engagements;
pub mod overview;
pub mod refs;
pub mod risks;
pub mod scorecard;
pub mod vetting;
pub mod workflow;

use super::pane::Pane;

/// Declares the tabs in the order of the tab bar, each with its pane: the `Tab` enum and the registry of panes
/// come from this one list, so they cannot disagree.
macro_rules! tabs {
    ($first:ident => $first_pane:ty, $($tab:ident => $pane:ty,)*) => {
        /// The tabs along the top, in order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, strum::EnumIter, strum::FromRepr)]
        pub enum Tab {
            #[default]
            $first,
            $($tab,)*
        }

        /// A pane for every tab, in the order of the tab bar.
        pub fn registry() -> Vec<(Tab, Box<dyn Pane>)> {
            vec![
                (Tab::$first, Box::new(<$first_pane>::default())),
                $((Tab::$tab, Box::new(<$pane>::default())),)*
            ]
        }
    };
}

tabs! {
    Engagements => engagements::EngagementsPane,
    Overview => overview::OverviewPane,
    Scorecard => scorecard::ScorecardPane,
    Risks => risks::RiskPane,
    Vetting => vetting::VettingPane,
    Assets => assets::AssetPane,
    Workflow => workflow::WorkflowPane,
}
