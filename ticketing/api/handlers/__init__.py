"""HTTP handlers: parse (done by the route table), call one service function, render."""
