"""What the pages say: the texts, question wordings and tables of each page, kept apart from the maths."""
