floor-badges = Badges
floor-badges-2 = badges ·
floor-standnummers = Stand numbers
floor-print-op-a4-drie-badges = Print on A4 (three badges per sheet). Fold each badge in the middle: the name and the QR code on the front, whom to talk to on the back. The QR code opens the organisation's floor page with any phone's camera.
floor-stand = Stand
floor-praat-met-deze-vijf = Talk to these five
floor-kijk-in-de-gids-wie = Look in the guide to see who is there.
floor-stand-2 = , stand
floor-wederzijds = (mutual)
floor-gids = Guide:
floor-wie-staat-waar = Who stands where
floor-organisaties-per-hoek-van-de = organisations, per corner of the hall.
floor-zoek-op-naam-stand-aanbod = Search by name, stand, offer or request
floor-zoeken = Search
floor-van = of
floor-organisaties-gevonden-voor = organisations found for ‘
floor-alles-tonen = Show all
floor-biedt = Offers:
floor-vraagt = Asks for:
floor-niemand-gevonden = Nobody found.
floor-beursvloer = – Beursvloer
floor-naar-de-inhoud = Skip to content
floor-beursvloer-2 = Beursvloer
floor-match-maken-met = Make a match with
floor-match-maken = Make a match
floor-tussen = Between
floor-en = and
floor-stand-3 = (stand
floor-verbeter-wat-hieronder-staat = Correct what is below.
floor-wie-geeft = Who gives?
floor-geeft-aan = gives to
floor-categorie = Category
floor-kies = Choose
floor-wat-wordt-er-gegeven = What is given
floor-uren-niet-verplicht = Hours (optional)
floor-of-aantal-niet-verplicht = Or quantity (optional)
floor-geschatte-waarde-in-euro-s = Estimated value in euros (optional)
floor-afgesproken-datum-niet-verplicht = Agreed date (optional)
floor-je-naam = Your name
floor-zo-staat-je-bevestiging-op = This is how your confirmation appears on the match form.
floor-daarna-bevestigt = Then
floor-het-op-de-eigen-telefoon = confirms it on their own phone, and the notary registers the match.
floor-dit-is-jullie-eigen-vloerpagina = This is your own floor page. Today this phone remembers that it belongs to
floor-is-scan-een-badge-met = : scan a badge with the camera and make a match there.
floor-vulde-een-matchformulier-in = filled in a match form: ‘
floor-bekijk-en-bevestig-het = ’. View and confirm it.
floor-je-maakt-de-match-namens = You are making the match on behalf of
floor-sta-je-zelf-op-de = Are you at the marketplace event yourself? First open your personal floor page (the link from your email) on this phone; after scanning a badge you can then make a match here.
floor-de-matcher-vond-nog-niemand = The matcher has not yet found anyone at this marketplace event who fits
floor-past-kijk-in-de = { ". Look in the" }
floor-gids-2 = guide
floor-stand-4 = stand
floor-wederzijds-2 = Mutual
floor-jullie-geven = You give:
floor-jullie-krijgen = You get:
floor-biedt-2 = offers
floor-nog-niets-geplaatst = Nothing posted yet.
floor-vraagt-2 = asks for
floor-wie-staat-waar-de-gids = Who stands where: the guide of
floor-badges-printen = Print badges
floor-gids-3 = Guide
floor-er-is-niets-opgeslagen = Nothing has been stored
floor-verbeter-de-standnummers-die-hieronder = Correct the stand numbers marked below.
floor-in-een-keer-indelen = Assign all at once
floor-elke-categorie-krijgt-een-hoek = Each category gets a corner with its own letter (People A, Knowledge B, Materials C, Network D, Facilities E, Creativity F, other G); within a corner we number by name: A1, A2 … This replaces all stand numbers below.
floor-indelen-per-categorie = Assign by category
floor-vloerlinks-mailen = Mail floor links
floor-elke-contactpersoon-krijgt-een-persoonlijke = Every contact person gets a personal link to their own organisation's floor page. Whoever opens it on their phone before the marketplace event can make a match on the floor straight after scanning a badge.
floor-per-organisatie = Per organisation
floor-er-zijn-nog-geen-organisaties = No organisations have signed up yet.
floor-tabel-standnummer-per-organisatie = Table: stand number per organisation
floor-standnummer-per-organisatie = Stand number per organisation
floor-organisatie = Organisation
floor-fout = Error:
floor-standnummers-opslaan = Save stand numbers
floor-matchformulier-van-de-beursvloer-bevestigen = Confirm the marketplace event's match form
floor-ingevuld-en-bevestigd-door = Filled in and confirmed by
floor-wat = What
floor-uren = Hours
floor-waarde = Value
floor-wanneer = When
floor-klopt-bevestigen = Correct, confirm
floor-confirm-and-send = Confirm and send to { $other }
mail-floor-filled-headline = { $by } filled in a match form
mail-floor-filled-body = At the marketplace event { $by } filled in the match form: ‘{ $what }’. Confirm it on your phone; then it is ready for the notary.
mail-floor-link-subject = Your floor page for { $event }
mail-floor-link-body =
    Dear { $name },

    { $organisation } takes part in { $event }{ $has_stand ->
        [yes] , at stand { $stand }
       *[no] {""}
    }. Open this link before the marketplace event on the phone you bring:

    { $link }

    There you see which five organisations you had best talk to. Then, on the floor, scan another organisation's badge with your phone's camera: you can make and confirm a match together, and the notary registers it.

    This link is personal: do not share it.

    The broker of { $event }
floor-msg-kies-wie-er-geeft = Choose who gives.
floor-msg-kies-een-categorie = Choose a category.
floor-msg-het-aantal = the quantity
floor-msg-dit-matchformulier-kan-jij-nu = You cannot confirm this match form (any more).
floor-msg-vul-je-naam-in-2 = Fill in your name (2 to 120 characters) to confirm the match form.
floor-msg-bevestigd-het-matchformulier-ligt-nu = Confirmed! The match form is now complete and with the notary.
floor-msg-twee-organisaties-kregen-tegelijk-dezelfde = Two organisations got the same stand at the same time. Please try again.
floor-msg-een-standnummer-is-hoogstens-12 = A stand number is at most 12 characters, such as B12.
floor-msg-gebruik-letters-cijfers-spaties-punten = Use letters, digits, spaces, dots or hyphens, such as B12.
floor-time-over = Over
floor-time-starts-on = Starts on { $date }
floor-time-starts-in = Starts in { $span }
floor-time-left = { $span } to go
floor-span-minutes = { $m ->
    [one] 1 minute
   *[other] { $m } minutes
}
floor-span-hours = { $h ->
    [one] 1 hour
   *[other] { $h } hours
}
floor-span-and = { $hours } and { $minutes }
floor-give-line = Your ‘{ $offer }’ for their request ‘{ $request }’
floor-get-line = Their ‘{ $offer }’ for your request ‘{ $request }’
floor-flash-confirmed-first = You have confirmed the match form. Now { $other } confirms it on their own phone; then the notary registers it.
floor-stand-taken = Stand { $stand } has already been given to another organisation.
floor-stand-also-given = Stand { $stand } has also been given to another organisation.
floor-talk-exchange = Exchange: you help them with ‘{ $theirs }’, they help you with ‘{ $ours }’.
floor-talk-they-ask = They ask for ‘{ $request }’: that fits what you offer.
floor-talk-they-offer = They offer ‘{ $offer }’: that fits your request.
floor-gids-wie-staat-waar = Guide: who stands where
floor-op-de-vloer = On the floor:
floor-digitaal-getekend-op-de-vloer = Signed digitally on the floor (
floor-beide-partijen-bevestigden-deze-matchformulieren = Both parties confirmed these match forms on their phones. Check and register.
floor-getekend = Signed
floor-registreren = Register
floor-flash-not-both-signed = This match form has not been confirmed by both parties yet.
floor-flash-already-registered = This match had already been registered or has changed in the meantime.
floor-flash-stands-saved = { $count } stand numbers saved.
floor-flash-zones-assigned = { $count } organisations got a stand in the corner of their category.
floor-flash-links-mailed = { $count } contact persons get their personal floor link by mail.
