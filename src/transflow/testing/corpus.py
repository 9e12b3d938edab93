"""A few KB of German and English civic text: enough to train the test model's sentencepiece."""

GERMAN = """\
Die Stadt lädt alle Bürgerinnen und Bürger zur Ratssitzung am Mittwoch ein.
Der Bürgermeister begrüßte die Ehrenamtler im Rathaus.
Die Kümmerer begleiten Zuwanderer bei Behördengängen und im Alltag.
Das Ehrenamt ist eine tragende Säule des Zusammenlebens in unserer Stadt.
Haupt- und Ehrenamt arbeiten bei der Integration eng zusammen.
Der Verwaltungschef stellte den Haushalt für das kommende Jahr vor.
Geflüchtete Familien werden dezentral in den Stadtteilen untergebracht.
Die dezentrale Unterbringung hat sich in den vergangenen Jahren bewährt.
Im Stellwerk treffen sich jeden Donnerstag Ehrenamtliche aus allen Stadtteilen.
Der Märkische Kreis unterstützt die Kommunen bei der Integrationsarbeit.
Weitere Informationen gibt es im Bürgerbüro oder auf der Homepage der Stadt.
Die Sprechstunde findet dienstags von 9 bis 12 Uhr statt.
Am 1. April beginnt die Anmeldung für die Ferienbetreuung.
Nach Angaben der Verwaltung wurden 120 Anträge bearbeitet.
Die Ergebnisse der Studie wurden in Paris vorgestellt.
Vertreter der Wirtschaft, der Schulen und der Vereine nahmen an dem Treffen teil.
Die Stadtverwaltung bittet um Verständnis für die Bauarbeiten in der Innenstadt.
Der Rat hat beschlossen, die Gebühren für die Müllabfuhr nicht zu erhöhen.
Ein runder Tisch soll Ideen für die Zukunft der Innenstadt sammeln.
Das Freibad öffnet in diesem Jahr bereits Anfang Mai.
Die Feuerwehr sucht neue Mitglieder für die Jugendfeuerwehr.
Zum Stadtfest werden mehrere tausend Besucher erwartet.
Die Bibliothek bietet ab sofort auch digitale Medien zur Ausleihe an.
Ehrenamtliche Helfer unterstützen ältere Menschen beim Einkaufen.
Das Projekt wird vom Land Nordrhein-Westfalen gefördert.
Die Sanierung der Brücke soll im Herbst abgeschlossen sein.
Interessierte können sich bis zum 15. Juni im Rathaus melden.
Die Integrationskurse sind kostenlos und stehen allen offen.
Der Ausschuss für Soziales tagt am Donnerstag um 17 Uhr.
Die Stadt dankt allen, die sich für das Gemeinwohl engagieren.
"""

ENGLISH = """\
The town invites all citizens to the council meeting on Wednesday.
The mayor welcomed the volunteers at the town hall.
The community liaisons support immigrants with visits to the authorities and in everyday life.
Volunteering is a pillar of community life in our town.
Paid staff and volunteers work closely together on integration.
The head of administration presented the budget for the coming year.
Refugee families are housed in decentralised accommodation across the districts.
Decentralised housing has proved itself over the past years.
Volunteers from all districts meet at the Stellwerk every Thursday.
The Märkischer Kreis district supports the municipalities in their integration work.
Further information is available at the citizens' office or on the town's website.
Office hours are on Tuesdays from 9 am to 12 noon.
Registration for holiday care begins on 1 April.
According to the administration, 120 applications were processed.
The results of the study were presented in Paris.
Representatives of business, schools and associations took part in the meeting.
The town administration asks for understanding for the construction work in the town centre.
The council has decided not to raise the fees for waste collection.
A round table is to collect ideas for the future of the town centre.
The open-air pool opens as early as the beginning of May this year.
The fire brigade is looking for new members for the youth fire brigade.
Several thousand visitors are expected at the town festival.
The library now also offers digital media for loan.
Volunteer helpers support older people with their shopping.
The project is funded by the state of North Rhine-Westphalia.
The renovation of the bridge is to be completed in autumn.
Anyone interested can register at the town hall until 15 June.
The integration courses are free of charge and open to everyone.
The social affairs committee meets on Thursday at 5 pm.
The town thanks everyone who is committed to the common good.
"""
