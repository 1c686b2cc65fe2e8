"""Figure builders: arrays in, plotly Figure out (one builder per chart), tested without a browser."""
