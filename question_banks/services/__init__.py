"""Commands of the exam engine. Views, the API, tasks and other apps call these only."""
