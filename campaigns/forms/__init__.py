"""Forms of the campaign pages, one module per part (programme, enforcement)."""
