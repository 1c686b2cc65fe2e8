"""/learning's sections, in screen order: settings (the training's controls), ends (where γ and β go: the
lesson's step), replay (the time axis and one step up close), channels (every channel's end), landscape (your
turn), modes (train vs eval), conventions (momentum's); runs holds the cached trainings they share."""
