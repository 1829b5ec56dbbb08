"""One tab's feed task, in plain Python (no Reflex here).

`TabSubscription` owns the tab's feed client and keeps its subscription equal to the tab's
`FeedPlan`, with every network call outside the state lock; `Desk` folds the feed's events
into the tab's latest data; `TabFeed` decides, round by round, what each widget is given
(`TabView` in, `Delivery` out, in `rounds`); `AlertJobs` sends the user's alert requests;
`announce` and `quality` shape the spoken summary and the link gauge.
"""
