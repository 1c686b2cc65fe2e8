"""/questions' sections: each question's experiment (one module per question, by its key), classroom mode's stage
for a question with a prediction, the self-check, the links further and the sources."""
