"""Pages of this area (Vietnamese); views parse, call one service or selector, render."""
