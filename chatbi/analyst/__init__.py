"""The analysts' free-SQL path: vanna drafts, the guard checks, nothing is shown to staff as an answer."""
