"""Official documents in the party document format (HD 36-HD/VPTW), numbered, rendered as .docx."""
