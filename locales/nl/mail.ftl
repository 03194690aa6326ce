# Mail about matches (src/workflow/notify.rs, templates/mail/).
mail-the-broker = De makelaar
mail-greeting = Beste { $name },
mail-regards = Met vriendelijke groet,
mail-button-fallback = Werkt de knop niet? Kopieer dan dit adres in je browser:
mail-personal-link = Deze link is persoonlijk voor { $organisation }: je hoeft er niet voor in te loggen. Stuur hem niet door. Werkt hij niet meer, vraag de makelaar dan om een nieuwe.
mail-sender = De makelaar van Beursvloer
mail-sender-event = De makelaar van { $event }
mail-proposed-headline = De makelaar stelt een match voor
mail-proposed-body = { $offer_org } kan { $request_org } helpen met ‘{ $offer_title }’ (gevraagd: ‘{ $request_title }’). Wil je meedoen? Geef je antwoord; pas als beide partijen akkoord zijn, bevestigt de makelaar de match.
mail-proposed-action = Bekijk het voorstel en geef je antwoord
mail-agrees-headline = { $by } gaat akkoord
mail-agrees-body = Jullie antwoord is nog nodig. Pas als beide partijen akkoord zijn, bevestigt de makelaar de match.
mail-answer-action = Bekijk de match en geef je antwoord
mail-accepted-headline = Beide partijen zijn akkoord
mail-accepted-body = De makelaar bevestigt de match nu. Jullie zien elkaars contactpersoon op de match.
mail-view-action = Bekijk de match
mail-confirmed-headline = De makelaar heeft de match bevestigd
mail-confirmed-body = Bevestig nu het matchformulier; dan telt de match als getekend. Neem binnen twee à drie weken contact op met de andere partij om de afspraak concreet te maken.
mail-confirm-form-action = Bekijk en bevestig het matchformulier
mail-carried-out-headline = { $by } meldt de match als uitgevoerd
mail-carried-out-body = Mooi! De match telt nu als uitgevoerd.
mail-not-carried-out-headline = { $by } meldt dat de match niet is uitgevoerd
mail-not-carried-out-body = De match telt als niet uitgevoerd.
mail-not-carried-out-body-reason = De match telt als niet uitgevoerd. Reden: { $reason }
mail-declined-headline = { $by } wijst de match af
mail-cancelled-headline = { $by } heeft de match geannuleerd
mail-off-body = Deze match gaat niet door.
mail-off-body-reason = Deze match gaat niet door. Reden: { $reason }
mail-signed-headline = { $by } heeft het matchformulier bevestigd
mail-signed-both-body = Beide partijen hebben het matchformulier bevestigd: de match telt als getekend.
mail-signed-one-body = Heeft jullie kant het formulier nog niet bevestigd? Doe dat dan ook.
mail-view-form-action = Bekijk het matchformulier
mail-reminder-headline = De afgesproken datum van jullie match is voorbij
mail-reminder-body = Is het gelukt? Laat het weten, dan telt de match als uitgevoerd.
mail-reminder-action = Meld of de match is uitgevoerd
mail-terms-proposed-headline = { $by } stelt nieuwe afspraken voor
mail-terms-proposed-body = De match is al bevestigd, dus nieuwe afspraken gelden pas als beide partijen akkoord zijn. Bekijk het voorstel en geef je akkoord.
mail-terms-proposed-action = Bekijk de nieuwe afspraken
mail-terms-agreed-headline = De nieuwe afspraken gelden
mail-terms-agreed-body = Beide partijen zijn akkoord met de nieuwe afspraken; ze staan nu op het matchformulier.
notification-ready-to-confirm = beide partijen akkoord, klaar om te bevestigen
mail-confirm-address-subject = Bevestig je e-mailadres voor Beursvloer
mail-confirm-address-body =
    Welkom bij Beursvloer!

    Bevestig je e-mailadres via deze link (een week geldig); daarna ben je ingelogd:
    { $link }

    Heb je je niet geregistreerd? Dan hoef je niets te doen.
mail-taken-address-subject = Je hebt al een account bij Beursvloer
mail-taken-address-body =
    Iemand probeerde zojuist een account op Beursvloer te maken met dit e-mailadres,
    maar er is al een account met dit adres.

    Was jij dat? Log dan in via { $base_url }/inloggen, of vraag een nieuw wachtwoord
    aan via { $base_url }/wachtwoord-vergeten als je het niet meer weet.

    Was jij het niet? Dan hoef je niets te doen; er is niets veranderd.
mail-reset-subject = Nieuw wachtwoord voor Beursvloer
mail-reset-body =
    Je hebt gevraagd om een nieuw wachtwoord voor Beursvloer.

    Kies een nieuw wachtwoord via deze link (een uur geldig, één keer te gebruiken):
    { $link }

    Heb je dit niet gevraagd? Dan hoef je niets te doen.
mail-reset-no-account-body =
    Iemand vroeg om een nieuw wachtwoord voor Beursvloer voor dit e-mailadres,
    maar er is geen account met dit adres.

    Wil je meedoen? Maak een account via { $base_url }/registreren

    Heb je dit niet gevraagd? Dan hoef je niets te doen.
mail-add-municipality-subject = Verzoek: gemeente toevoegen
mail-add-municipality-body =
    Iemand die zich wil registreren ({ $asked_by }) vindt de gemeente "{ $municipality }"
    niet in de lijst.

    Doet deze gemeente mee? Voeg haar dan toe via { $base_url }/beheer en laat het
    { $asked_by } weten. Anders hoef je niets te doen.
mail-signup-subject = Aanmelding ontvangen: { $event }
mail-signup-body =
    Beste { $name },

    Bedankt voor jullie aanmelding voor { $event }. { $organisation } doet mee met { $count } vraag en aanbod.

    Via deze persoonlijke link zie je de voorstellen van de makelaar en geef je antwoord, zonder account:
    { $link }

    Stuur de link niet door.

    Met vriendelijke groet,
    De makelaar van { $event }
notification-new-signup = Nieuwe aanmelding voor { $event }: { $organisation }
