"""Terminal screens (Textual) over the library: the coding screen and, later, the review screen."""
