"""Text utilities shared by stages and readers: normalisation, script conversion, boilerplate and by-line rules."""
