//! trackers
pub struct TrackerItem; pub fn github_issues(){} pub fn jira_csv(){} pub fn tracker_items(){}
