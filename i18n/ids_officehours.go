package i18n

// Office hours: /officehours, its forms and its App Home section (the DMs
// are in ids.go). The catalogs are catalog/officehours.en.yaml and
// catalog/officehours.de.yaml.

// Help lines of the subcommands.
const (
	OfficeHoursHelpList   ID = "officehours.help_list"
	OfficeHoursHelpBook   ID = "officehours.help_book"
	OfficeHoursHelpMine   ID = "officehours.help_mine"
	OfficeHoursHelpCancel ID = "officehours.help_cancel"
	OfficeHoursHelpToday  ID = "officehours.help_today"
)

// Replies and refusals of the commands and buttons.
const (
	OfficeHoursNotHostAgenda ID = "officehours.not_host_agenda"
	OfficeHoursCancelUsage   ID = "officehours.cancel_usage"
	OfficeHoursBadID         ID = "officehours.bad_id"
	OfficeHoursUnblocked     ID = "officehours.unblocked"
	OfficeHoursCancelledDone ID = "officehours.cancelled_done"
	OfficeHoursBlockedDone   ID = "officehours.blocked_done"
	OfficeHoursNoShowDone    ID = "officehours.no_show_done"
)

// Lists: free slots, a person's bookings, a host's day.
const (
	OfficeHoursSlotWith      ID = "officehours.slot_with"
	OfficeHoursSlotOwn       ID = "officehours.slot_own"
	OfficeHoursButtonBook    ID = "officehours.button_book"
	OfficeHoursButtonBlock   ID = "officehours.button_block"
	OfficeHoursButtonUnblock ID = "officehours.button_unblock"
	OfficeHoursButtonNoShow  ID = "officehours.button_no_show"
	OfficeHoursListEmpty     ID = "officehours.list_empty"
	OfficeHoursListTitle     ID = "officehours.list_title" // plain text header
	OfficeHoursListFooter    ID = "officehours.list_footer"
	OfficeHoursListSummary   ID = "officehours.list_summary" // plural: free slots
	OfficeHoursLineBlocked   ID = "officehours.line_blocked"
	OfficeHoursLineHost      ID = "officehours.line_host"
	OfficeHoursLineBooker    ID = "officehours.line_booker"
	OfficeHoursLineNoShow    ID = "officehours.line_no_show"
	OfficeHoursMineEmpty     ID = "officehours.mine_empty"
	OfficeHoursMineTitle     ID = "officehours.mine_title" // plain text header
	OfficeHoursMineFooter    ID = "officehours.mine_footer"
	OfficeHoursMineSummary   ID = "officehours.mine_summary" // plural: bookings
	OfficeHoursAgendaTitle   ID = "officehours.agenda_title" // plain text header
	OfficeHoursAgendaEmpty   ID = "officehours.agenda_empty"
	OfficeHoursAgendaFree    ID = "officehours.agenda_free"
	OfficeHoursAgendaFooter  ID = "officehours.agenda_footer"
	OfficeHoursAgendaSummary ID = "officehours.agenda_summary" // plural: bookings
)

// The booking form and the view that replaces it.
const (
	OfficeHoursFormTitle       ID = "officehours.form_title" // plain text, at most 24 characters
	OfficeHoursFormEmptyTitle  ID = "officehours.form_empty_title"
	OfficeHoursFormEmpty       ID = "officehours.form_empty"
	OfficeHoursFormClose       ID = "officehours.form_close"
	OfficeHoursFormSubmit      ID = "officehours.form_submit"
	OfficeHoursFormCancel      ID = "officehours.form_cancel"
	OfficeHoursFormSlot        ID = "officehours.form_slot"
	OfficeHoursFormSlotPick    ID = "officehours.form_slot_pick"
	OfficeHoursFormSlotHint    ID = "officehours.form_slot_hint"
	OfficeHoursFormTopic       ID = "officehours.form_topic"
	OfficeHoursFormTopicHint   ID = "officehours.form_topic_hint"
	OfficeHoursFormOption      ID = "officehours.form_option" // plain text, cut at 75 characters
	OfficeHoursFormPickAnother ID = "officehours.form_pick_another"
	OfficeHoursFormNextFree    ID = "officehours.form_next_free"
	OfficeHoursFormPickSlot    ID = "officehours.form_pick_slot"
	OfficeHoursBookedTitle     ID = "officehours.booked_title" // plain text, at most 24 characters
	OfficeHoursBookedDone      ID = "officehours.booked_done"
	OfficeHoursBookedText      ID = "officehours.booked_text"
	OfficeHoursBookedDM        ID = "officehours.booked_dm"
	OfficeHoursBookedDMRemind  ID = "officehours.booked_dm_remind"
)

// The App Home section.
const (
	OfficeHoursHomeTitle   ID = "officehours.home_title" // plain text header
	OfficeHoursHomeNoSlots ID = "officehours.home_no_slots"
	OfficeHoursHomeNext    ID = "officehours.home_next"
	OfficeHoursHomeFooter  ID = "officehours.home_footer"
)

// The domain's errors, as plain text (inline form errors) that the
// replies escape and give an emoji; spans of time inside them.
const (
	OfficeHoursErrSlotTaken        ID = "officehours.err_slot_taken"
	OfficeHoursErrSlotTakenBlock   ID = "officehours.err_slot_taken_block"
	OfficeHoursErrWeeklyLimit      ID = "officehours.err_weekly_limit"
	OfficeHoursErrWeeklyLimitWeek  ID = "officehours.err_weekly_limit_week" // plural: the limit
	OfficeHoursErrTooSoon          ID = "officehours.err_too_soon"
	OfficeHoursErrTooFar           ID = "officehours.err_too_far"
	OfficeHoursErrNoSuchSlot       ID = "officehours.err_no_such_slot"
	OfficeHoursErrStarted          ID = "officehours.err_started"
	OfficeHoursErrNotStarted       ID = "officehours.err_not_started"
	OfficeHoursErrRateNotYet       ID = "officehours.err_rate_not_yet"
	OfficeHoursErrNoShowNotYet     ID = "officehours.err_no_show_not_yet"
	OfficeHoursErrOver             ID = "officehours.err_over"
	OfficeHoursErrNotFound         ID = "officehours.err_not_found"
	OfficeHoursErrNotAllowed       ID = "officehours.err_not_allowed"
	OfficeHoursErrNotHost          ID = "officehours.err_not_host"
	OfficeHoursErrOwnSlot          ID = "officehours.err_own_slot"
	OfficeHoursErrAlreadyCancelled ID = "officehours.err_already_cancelled"
	OfficeHoursErrTopicRequired    ID = "officehours.err_topic_required"
	OfficeHoursErrTopicTooLong     ID = "officehours.err_topic_too_long"
	OfficeHoursErrCommentTooLong   ID = "officehours.err_comment_too_long"
	OfficeHoursErrBadScore         ID = "officehours.err_bad_score"
	OfficeHoursErrNotBooking       ID = "officehours.err_not_booking"
	OfficeHoursErrNoHosts          ID = "officehours.err_no_hosts"
	OfficeHoursSpanDays            ID = "officehours.span_days"    // plural
	OfficeHoursSpanHours           ID = "officehours.span_hours"   // plural
	OfficeHoursSpanMinutes         ID = "officehours.span_minutes" // plural
)
