"""The post-call feedback script: `screen.FeedbackScreen` walks the steps built by
`fieldcoach.debrief`; one widget per step kind (answer, rating, next step, recap) owns
its keys and tells the screen what happened with the messages in `messages`."""
