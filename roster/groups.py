"""The names of the admin groups the product relies on, looked up through these constants only.

Group names are data that the admin shows as they are stored (the group list, the group editor,
a user's groups), so they are stored in Chinese; a data migration (courses 0006) renamed the
English names the first migrations gave them."""

TRAINERS_GROUP = "培训教师"
REVIEWERS_GROUP = "课程审核员"
