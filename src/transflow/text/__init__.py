"""Reading German: article files, Markdown and Word into blocks, sentences, protected spans."""
