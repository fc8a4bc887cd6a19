"""Renderers: everything that turns computed tables into files a person looks at."""
