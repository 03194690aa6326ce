# Mail about matches (src/workflow/notify.rs, templates/mail/).
mail-the-broker = The broker
mail-greeting = Dear { $name },
mail-regards = Kind regards,
mail-button-fallback = Does the button not work? Copy this address into your browser:
mail-personal-link = This link is personal for { $organisation }: you do not need to log in for it. Do not forward it. If it no longer works, ask the broker for a new one.
mail-sender = The broker of Beursvloer
mail-sender-event = The broker of { $event }
mail-proposed-headline = The broker proposes a match
mail-proposed-body = { $offer_org } can help { $request_org } with ‘{ $offer_title }’ (requested: ‘{ $request_title }’). Would you like to take part? Give your answer; once both parties agree, the broker confirms the match.
mail-proposed-action = View the proposal and give your answer
mail-agrees-headline = { $by } agrees
mail-agrees-body = Your answer is still needed. Once both parties agree, the broker confirms the match.
mail-answer-action = View the match and give your answer
mail-accepted-headline = Both parties agree
mail-accepted-body = The broker now confirms the match. You can see each other's contact person on the match.
mail-view-action = View the match
mail-confirmed-headline = The broker has confirmed the match
mail-confirmed-body = Now confirm the match form; then the match counts as signed. Contact the other party within two to three weeks to make the agreement concrete.
mail-confirm-form-action = View and confirm the match form
mail-carried-out-headline = { $by } reports the match as carried out
mail-carried-out-body = Well done! The match now counts as carried out.
mail-not-carried-out-headline = { $by } reports that the match was not carried out
mail-not-carried-out-body = The match counts as not carried out.
mail-not-carried-out-body-reason = The match counts as not carried out. Reason: { $reason }
mail-declined-headline = { $by } declines the match
mail-cancelled-headline = { $by } has cancelled the match
mail-off-body = This match will not go ahead.
mail-off-body-reason = This match will not go ahead. Reason: { $reason }
mail-signed-headline = { $by } has confirmed the match form
mail-signed-both-body = Both parties have confirmed the match form: the match counts as signed.
mail-signed-one-body = Has your side not confirmed the form yet? Then please do so too.
mail-view-form-action = View the match form
mail-reminder-headline = The agreed date of your match has passed
mail-reminder-body = Did it work out? Let us know, then the match counts as carried out.
mail-reminder-action = Report whether the match was carried out
mail-terms-proposed-headline = { $by } proposes new arrangements
mail-terms-proposed-body = The match has already been confirmed, so new arrangements only apply once both parties agree. View the proposal and give your agreement.
mail-terms-proposed-action = View the new arrangements
mail-terms-agreed-headline = The new arrangements apply
mail-terms-agreed-body = Both parties agree to the new arrangements; they are now on the match form.
notification-ready-to-confirm = both parties agree, ready to confirm
mail-confirm-address-subject = Confirm your email address for Beursvloer
mail-confirm-address-body =
    Welcome to Beursvloer!

    Confirm your email address through this link (valid for a week); after that you are logged in:
    { $link }

    Did you not register? Then you need not do anything.
mail-taken-address-subject = You already have an account at Beursvloer
mail-taken-address-body =
    Someone just tried to create an account on Beursvloer with this email address,
    but there already is an account with this address.

    Was that you? Then log in at { $base_url }/inloggen, or ask for a new password
    at { $base_url }/wachtwoord-vergeten if you no longer remember it.

    Was it not you? Then you need not do anything; nothing has changed.
mail-reset-subject = New password for Beursvloer
mail-reset-body =
    You asked for a new password for Beursvloer.

    Choose a new password through this link (valid for an hour, to be used once):
    { $link }

    Did you not ask for this? Then you need not do anything.
mail-reset-no-account-body =
    Someone asked for a new password for Beursvloer for this email address,
    but there is no account with this address.

    Would you like to take part? Create an account at { $base_url }/registreren

    Did you not ask for this? Then you need not do anything.
mail-add-municipality-subject = Request: add a municipality
mail-add-municipality-body =
    Someone who wants to register ({ $asked_by }) cannot find the municipality "{ $municipality }"
    in the list.

    Does this municipality take part? Then add it at { $base_url }/beheer and let
    { $asked_by } know. Otherwise you need not do anything.
mail-signup-subject = Sign-up received: { $event }
mail-signup-body =
    Dear { $name },

    Thank you for signing up for { $event }. { $organisation } takes part with { $count } offers and requests.

    Through this personal link you see the broker's proposals and give your answer, without an account:
    { $link }

    Do not forward the link.

    Kind regards,
    The broker of { $event }
notification-new-signup = New sign-up for { $event }: { $organisation }
