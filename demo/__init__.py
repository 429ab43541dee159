"""The demo county of `manage.py seed_demo` (fictional): data files under data/ and assets/,
and one small loader per area that applies them through the product's own services. Product
apps never import this package."""
