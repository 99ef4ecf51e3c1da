"""Training-time code, kept apart from what inference imports: the dataset's sources and
language kits, the generator of pages from kits, the templates that render training pages to
HTML, fitting, evaluation (cross-validation, leave-one-language-out, new-publisher before and
after), pre-labelling for review and the label audit. Scoring pages never imports this."""
