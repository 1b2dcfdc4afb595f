package assessment

// oneTimerChange guards the main loop's one alarm timer. Before it, each
// pass waited with AwaitWithOptions, whose timer is not cancelled when a
// step wakes the case (the SDK leaves it running): every step left a timer
// on the server that would wake the case again at the alarm's moment for
// nothing, and started another. Now the case keeps one deadline.Timer.
const oneTimerChange = "one-alarm-timer"
