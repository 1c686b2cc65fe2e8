"""/steps' sections, in screen order: channel (the channel to follow), stepper (the fragment: controls (the
step, γ, β, eval mode), step (one step on screen), pytorch (Do it in PyTorch), train_eval (train vs eval)),
averaged (what each norm averages together); state holds what they share: the steps' names, the running
statistics, the batch's choices kept in range."""
