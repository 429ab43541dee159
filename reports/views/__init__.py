"""The regulator's and the enterprise admin's report pages: the dashboard (its tables,
exports, PDF and people list) and one module per area beside it."""
