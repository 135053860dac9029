"""The evaluation set for Talk to Videos: lectures written for it, and questions with their true answers.

Five lectures on different subjects and in different styles (none of them is the volcano,
photosynthesis, Roman Empire or lighthouse lecture the tests use):

| key       | subject                      | style                                                    | voice  |
|-----------|------------------------------|----------------------------------------------------------|--------|
| bees      | honeybees                    | chatty: greeting, agenda, rhetorical questions, closing  | piper  |
| markets   | supply and demand            | dry textbook definitions                                 | espeak |
| canal     | the Panama Canal             | story / history: names, places, years ("Dr." inside)     | piper  |
| moon      | the Moon                     | numeric science: quantities with units                   | espeak |
| sourdough | baking sourdough bread       | how-to: steps, quantities, times, temperatures           | piper  |

A lecture is chapters (a topic each) of sentences; the speech is synthesised sentence by sentence,
so every sentence has a known start and end time (its "moment").

A question has a `kind` and, when the lecture answers it, one or more `Part`s. A part holds the answer
keywords (groups that must all appear in the answer; each group lists alternatives, lowercase, compared
after light stemming) and `at`: substrings that pick the sentence(s) holding the answer (resolved to
sentence indices when the module is imported; each must match exactly one sentence). A question with
no part is one the lecture does not answer: the engine should refuse it.

Kinds:
- covered: fact, definition, paraphrase, why_how, yes_no (`expect` "yes"/"no"), two_part (every part
  covered), two_part_partial (one part covered, `missing` names the other), follow_up (needs the
  previous question of the same lecture to be understood)
- not covered: nc_number (a number the lecture does not give), nc_neighbour (a neighbouring fact on the
  same subject), nc_offtopic
"""

# ruff: noqa: E501  (the lecture sentences are kept whole, one per line)

from __future__ import annotations

from dataclasses import dataclass, field

COVERED_KINDS = ("fact", "definition", "paraphrase", "why_how", "yes_no", "two_part", "two_part_partial", "follow_up")
NOT_COVERED_KINDS = ("nc_number", "nc_neighbour", "nc_offtopic")
KINDS = COVERED_KINDS + NOT_COVERED_KINDS


@dataclass(frozen=True)
class Part:
    """One thing the answer must say: every keyword group present, a citation on one of `sentences`."""

    keywords: tuple[tuple[str, ...], ...]
    at: tuple[str, ...]
    sentences: tuple[int, ...] = ()


@dataclass(frozen=True)
class Question:
    kind: str
    text: str
    parts: tuple[Part, ...] = ()
    expect: str | None = None  # "yes" / "no" for yes_no questions
    missing: str | None = None  # the part a two_part_partial question asks that the lecture does not cover

    @property
    def covered(self) -> bool:
        return bool(self.parts)


@dataclass(frozen=True)
class Lecture:
    key: str
    title: str
    subject: str
    style: str
    voice: str  # "piper" (default noise) or "espeak"
    chapters: tuple[tuple[str, tuple[str, ...]], ...]
    questions: tuple[Question, ...] = field(default=())

    @property
    def sentences(self) -> list[str]:
        return [s for _, sentences in self.chapters for s in sentences]

    @property
    def chapter_of_sentence(self) -> list[int]:
        return [i for i, (_, sentences) in enumerate(self.chapters) for _ in sentences]

    @property
    def words(self) -> int:
        return sum(len(s.split()) for s in self.sentences)


def part(at: str | tuple[str, ...], *keywords: str) -> Part:
    """`part("2,000 eggs", "2,000|two thousand")`: keyword groups are alternatives joined by '|'."""
    places = (at,) if isinstance(at, str) else at
    return Part(tuple(tuple(k.strip().lower() for k in group.split("|")) for group in keywords), places)


def ask(kind: str, text: str, *parts: Part, expect: str | None = None, missing: str | None = None) -> Question:
    assert kind in KINDS, kind
    return Question(kind, text, tuple(parts), expect, missing)


def _resolve(lecture: Lecture) -> Lecture:
    """Turn every part's `at` substrings into sentence indices (exactly one sentence per substring)."""
    sentences = [s.lower() for s in lecture.sentences]
    questions = []
    for question in lecture.questions:
        assert (question.kind in COVERED_KINDS) == question.covered, (lecture.key, question.text)
        assert (question.kind == "yes_no") == (question.expect is not None), (lecture.key, question.text)
        parts = []
        for p in question.parts:
            found = []
            for needle in p.at:
                hits = [i for i, s in enumerate(sentences) if needle.lower() in s]
                if len(hits) != 1:
                    raise ValueError(f"{lecture.key}: {needle!r} matches {len(hits)} sentences ({question.text})")
                found.append(hits[0])
            parts.append(Part(p.keywords, p.at, tuple(sorted(set(found)))))
        questions.append(Question(question.kind, question.text, tuple(parts), question.expect, question.missing))
    return Lecture(
        lecture.key, lecture.title, lecture.subject, lecture.style, lecture.voice, lecture.chapters, tuple(questions)
    )


BEES = Lecture(
    "bees",
    "Honeybees: life in the hive",
    "honeybees",
    "chatty (greeting, agenda, rhetorical questions, closing)",
    "piper",
    (
        (
            "Welcome and agenda",
            (
                "Hello everyone, and welcome to today's lecture about honeybees.",
                "I'm really glad you could all make it.",
                "Our first topic is life inside the hive, and our second topic is how bees talk to each other.",
                "At the end we will look at why bees matter so much for farming.",
            ),
        ),
        (
            "The colony",
            (
                "So, who actually lives in a beehive?",
                "A healthy colony holds between 20,000 and 60,000 bees.",
                "Almost all of them are female worker bees.",
                "Each colony has a single queen, and her only job is to lay eggs.",
                "In early summer a queen can lay about 2,000 eggs in one day.",
                "The male bees are called drones, and they do not collect food at all.",
                "A worker bee lives for about six weeks in summer, while a queen may live for five years.",
                "Why do workers die so young?",
                "They simply wear themselves out, flying up to 800 kilometres in their short lives.",
                "The workers build the comb from wax that they make in glands on their bodies.",
                "Honey itself is nectar that the workers have dried and stored in the wax cells.",
            ),
        ),
        (
            "The waggle dance",
            (
                "Our second topic is how bees share information.",
                "Have you ever wondered how a bee tells her sisters where the flowers are?",
                "She performs the waggle dance on the wall of the comb.",
                "The waggle dance was decoded by the Austrian scientist Karl von Frisch.",
                "He received the Nobel Prize for this work in 1973.",
                "The angle of the dance shows the direction of the food relative to the sun.",
                "The length of the waggle run tells the other bees how far away the food is.",
                "For flowers very close to the hive, bees perform a simpler round dance instead.",
            ),
        ),
        (
            "Pollination and threats",
            (
                "Finally, let's talk about why bees matter to us.",
                "Bees pollinate plants by carrying pollen from one flower to another.",
                "About one third of the food we eat depends on pollinators like bees.",
                "Almond farms in California rent more than a million hives every spring.",
                "Sadly, many colonies have been lost to the varroa mite, a tiny parasite that feeds on bees.",
                "Pesticides and the loss of wild flowers make the problem worse.",
                "You can help by planting flowers and avoiding sprays in your own garden.",
                "That's all for today.",
                "Thank you for listening, and see you next week!",
            ),
        ),
    ),
    (
        ask(
            "fact",
            "How many bees live in a healthy colony?",
            part("20,000 and 60,000", "20000|twenty thousand", "60000|sixty thousand"),
        ),
        ask("fact", "Who decoded the waggle dance?", part("decoded by", "frisch")),
        ask("follow_up", "When did he win the Nobel Prize?", part("nobel prize", "1973")),
        ask("definition", "What is a drone?", part("called drones", "male")),
        ask("definition", "What is the varroa mite?", part("varroa", "parasite")),
        ask(
            "paraphrase",
            "How long does a worker bee survive during the summer months?",
            part("six weeks", "six weeks|6 weeks"),
        ),
        ask("paraphrase", "How many eggs does a queen produce daily?", part("2,000 eggs", "2000|two thousand")),
        ask(
            "paraphrase",
            "Which country was the scientist who studied bee dances from?",
            part("austrian", "austria|austrian"),
        ),
        ask("why_how", "Why do worker bees die so young?", part("wear themselves out", "wear|worn")),
        ask(
            "why_how",
            "How do bees tell each other where food is?",
            part(("performs the waggle dance", "angle of the dance"), "dance"),
        ),
        ask("yes_no", "Do drones collect food?", part("called drones"), expect="no"),
        ask("yes_no", "Does a colony have more than one queen?", part("single queen"), expect="no"),
        ask(
            "yes_no",
            "Does the angle of the dance show the direction of the food?",
            part("angle of the dance"),
            expect="yes",
        ),
        ask(
            "two_part",
            "How long can a queen live, and how many eggs can she lay in a day?",
            part("five years", "five years|5 years"),
            part("2,000 eggs", "2000|two thousand"),
        ),
        ask(
            "two_part_partial",
            "What is honey made from, and how much honey does one hive produce in a year?",
            part("honey itself", "nectar"),
            missing="how much honey a hive produces",
        ),
        ask("nc_number", "How many wings does a honeybee have?"),
        ask("nc_neighbour", "How fast can a honeybee fly?"),
        ask("nc_neighbour", "Who discovered the varroa mite?"),
        ask("nc_offtopic", "What is the capital of Australia?"),
    ),
)

MARKETS = Lecture(
    "markets",
    "Supply and demand",
    "supply and demand (economics)",
    "dry textbook",
    "espeak",
    (
        (
            "Demand",
            (
                "Demand is the quantity of a good that buyers are willing and able to purchase at each price.",
                "The law of demand states that, other things equal, the quantity demanded falls when the price rises.",
                "A demand curve is a graph of the relationship between the price of a good and the quantity demanded.",
                "The demand curve slopes downward.",
                "A change in income, in tastes, or in the prices of related goods shifts the whole demand curve.",
                "Goods for which demand rises when income rises are called normal goods.",
                "Goods for which demand falls when income rises are called inferior goods.",
                "Two goods are substitutes when a rise in the price of one increases the demand for the other.",
            ),
        ),
        (
            "Supply",
            (
                "Supply is the quantity of a good that sellers are willing and able to sell at each price.",
                "The law of supply states that the quantity supplied rises when the price rises.",
                "The supply curve therefore slopes upward.",
                "The supply curve shifts when input prices, technology or the number of sellers change.",
                "An improvement in technology lowers production costs and shifts the supply curve to the right.",
            ),
        ),
        (
            "Equilibrium",
            (
                "Equilibrium is the situation in which the quantity supplied equals the quantity demanded.",
                "The price at which this occurs is called the equilibrium price, or the market clearing price.",
                "When the price is above equilibrium, there is a surplus of the good.",
                "When the price is below equilibrium, there is a shortage.",
                "Shortages and surpluses push the price toward equilibrium.",
            ),
        ),
        (
            "Elasticity",
            (
                "The price elasticity of demand measures how much the quantity demanded responds to a change in price.",
                "It is computed as the percentage change in quantity demanded divided by the percentage change in price.",
                "Demand is elastic when this value is greater than one, and inelastic when it is less than one.",
                "Demand for necessities such as salt or insulin tends to be inelastic.",
                "Demand for luxuries and for goods with close substitutes tends to be elastic.",
            ),
        ),
        (
            "Price controls",
            (
                "A price ceiling is a legal maximum on the price at which a good can be sold.",
                "A binding price ceiling, such as rent control, causes a shortage, because it holds the price below equilibrium.",
                "A price floor is a legal minimum price, for example a minimum wage.",
                "A binding price floor causes a surplus, which in the labour market appears as unemployment.",
                "The economist Alfred Marshall made the supply and demand diagram popular in his Principles of Economics.",
                "That book was first published in 1890.",
            ),
        ),
    ),
    (
        ask("definition", "What is demand?", part("demand is the quantity", "buyers|purchase")),
        ask("definition", "What is an inferior good?", part("inferior goods", "income")),
        ask("definition", "What is a price ceiling?", part("price ceiling is", "maximum")),
        ask("fact", "Who made the supply and demand diagram popular?", part("alfred marshall", "marshall")),
        ask("follow_up", "When was his book first published?", part("first published", "1890")),
        ask(
            "paraphrase",
            "What happens to the amount people buy when something gets more expensive?",
            part("law of demand", "falls"),
        ),
        ask(
            "paraphrase",
            "Which way does the supply curve move after a technological improvement?",
            part("improvement in technology", "right"),
        ),
        ask("why_how", "Why does rent control lead to a shortage?", part("rent control", "below")),
        ask(
            "why_how",
            "How is the price elasticity of demand calculated?",
            part("computed as", "percentage change", "divided"),
        ),
        ask("yes_no", "Does the demand curve slope upward?", part("slopes downward"), expect="no"),
        ask("yes_no", "Is the demand for insulin inelastic?", part("insulin"), expect="yes"),
        ask(
            "two_part",
            "What is a price floor, and what does a binding one cause?",
            part("price floor is", "minimum"),
            part("binding price floor", "surplus|unemployment"),
        ),
        ask(
            "two_part_partial",
            "What is equilibrium, and in which year was the word first used in economics?",
            part("equilibrium is the situation", "equals"),
            missing="the year the word was first used",
        ),
        ask("nc_number", "What is the price elasticity of demand for petrol?"),
        ask("nc_neighbour", "What is a monopoly?"),
        ask("nc_neighbour", "What was the minimum wage in Britain in 1999?"),
        ask("nc_offtopic", "Who painted the Mona Lisa?"),
    ),
)

CANAL = Lecture(
    "canal",
    "The Panama Canal",
    "the Panama Canal (history)",
    "story / history with names, places and years",
    "piper",
    (
        (
            "The French attempt",
            (
                "The story of the Panama Canal begins with a Frenchman named Ferdinand de Lesseps.",
                "De Lesseps had already built the Suez Canal in Egypt, which opened in 1869.",
                "In 1881 his company began digging across the Isthmus of Panama, which was then part of Colombia.",
                "He wanted a canal at sea level, just like at Suez.",
                "But the jungle, the heavy rains and the mountains of the Culebra ridge defeated his workers.",
                "Yellow fever and malaria killed about 22,000 of them.",
                "In 1889 the French company went bankrupt.",
            ),
        ),
        (
            "The Americans and the mosquito",
            (
                "The United States took over the project in 1904, a year after Panama became independent from Colombia.",
                "President Theodore Roosevelt saw the canal as vital for trade and for the navy.",
                "The first task was to defeat disease.",
                "Dr. William Gorgas learned that mosquitoes carried yellow fever and malaria.",
                "His teams drained swamps, covered water barrels and sprayed oil on ponds where mosquitoes bred.",
                "By 1906 yellow fever had disappeared from the canal zone.",
            ),
        ),
        (
            "Building the locks",
            (
                "The chief engineer, John Frank Stevens, convinced Roosevelt to build a canal with locks instead.",
                "Locks lift ships up to an artificial lake and lower them again on the other side.",
                "The Chagres River was dammed at Gatun, creating Gatun Lake, then the largest artificial lake in the world.",
                "In 1907 Stevens resigned, and the army engineer George Washington Goethals took charge.",
                "The hardest part was the Culebra Cut, a deep channel through the mountains.",
                "Landslides filled the cut again and again, and steam shovels worked day and night to clear it.",
                "At its peak, more than 40,000 people worked on the canal.",
            ),
        ),
        (
            "Opening and after",
            (
                "The canal opened on the 15th of August 1914, when the cargo ship Ancon made the first official passage.",
                "The opening attracted little attention, because the First World War had just begun in Europe.",
                "The canal is about 82 kilometres long.",
                "A ship crossing it is lifted 26 metres above sea level.",
                "The voyage from New York to San Francisco became about 13,000 kilometres shorter.",
                "The United States controlled the canal until 1999, when it was handed over to Panama.",
                "In 2016 a wider set of locks opened so that much larger ships could pass.",
            ),
        ),
    ),
    (
        ask("fact", "Who led the French attempt to build the canal?", part("frenchman named", "lesseps")),
        ask("follow_up", "What had he built before?", part("suez canal in egypt", "suez")),
        ask("fact", "When did the French company go bankrupt?", part("went bankrupt", "1889")),
        ask("fact", "How many workers died during the French attempt?", part("22,000", "22000|twenty two thousand")),
        ask("fact", "Who took charge after Stevens resigned?", part("stevens resigned", "goethals")),
        ask("definition", "What is the Culebra Cut?", part("hardest part", "channel")),
        ask("definition", "What is Gatun Lake?", part("dammed at gatun", "artificial|chagres|dam")),
        ask(
            "paraphrase",
            "How did the doctor get rid of the insects that spread the disease?",
            part("drained swamps", "drain|swamp|oil|barrel"),
        ),
        ask(
            "paraphrase",
            "How far above the ocean is a ship raised during the crossing?",
            part("26 metres", "26|twenty six"),
        ),
        ask("why_how", "Why did the opening get so little attention?", part("little attention", "war")),
        ask("why_how", "How do locks move ships across the isthmus?", part("locks lift ships", "lift|lower")),
        ask("yes_no", "Did de Lesseps plan a canal with locks?", part("at sea level, just like"), expect="no"),
        ask(
            "yes_no",
            "Was Panama part of Colombia when the French began digging?",
            part("then part of colombia"),
            expect="yes",
        ),
        ask(
            "two_part",
            "How long is the canal, and in which year did it open?",
            part("82 kilometres", "82|eighty two"),
            part("15th of august", "1914"),
        ),
        ask(
            "two_part_partial",
            "What was the first ship through the canal called, and who was its captain?",
            part("first official passage", "ancon"),
            missing="the captain",
        ),
        ask(
            "fact",
            "Who controlled the canal after it opened?",
            part("controlled the canal until", "united states|america"),
        ),
        ask("follow_up", "When was it handed over to Panama?", part("handed over to panama", "1999")),
        ask("nc_number", "How much did it cost to build the canal?"),
        ask("nc_neighbour", "How many ships pass through the canal each year?"),
        ask("nc_neighbour", "When was the Suez Canal widened?"),
        ask("nc_offtopic", "What is the boiling point of water?"),
    ),
)

MOON = Lecture(
    "moon",
    "The Moon in numbers",
    "the Moon (astronomy)",
    "numeric science with quantities and units",
    "espeak",
    (
        (
            "Size and distance",
            (
                "The Moon is the only natural satellite of the Earth.",
                "Its diameter is about 3,474 kilometres, a little more than a quarter of the diameter of the Earth.",
                "The average distance between the Earth and the Moon is 384,400 kilometres.",
                "Light covers that distance in about 1.3 seconds.",
                "The mass of the Moon is only about 1.2 percent of the mass of the Earth.",
                "As a result, gravity at its surface is about 1.62 metres per second squared, roughly one sixth of the gravity on Earth.",
            ),
        ),
        (
            "Orbit and phases",
            (
                "The Moon orbits the Earth once every 27.3 days relative to the stars.",
                "The cycle of phases, from one new moon to the next, takes about 29.5 days.",
                "This cycle is called the synodic month.",
                "The Moon turns once on its axis for every orbit, so the same side always faces the Earth.",
                "This is known as tidal locking.",
                "The Moon is moving away from the Earth by about 3.8 centimetres every year.",
            ),
        ),
        (
            "The surface",
            (
                "The surface is covered by a layer of fine dust and broken rock called regolith.",
                "The dark plains, called maria, are ancient lava flows.",
                "The largest crater, the South Pole Aitken basin, is about 2,500 kilometres wide.",
                "Because there is almost no atmosphere, the temperature swings enormously.",
                "At the equator it reaches about 120 degrees Celsius by day and falls to about minus 130 degrees Celsius at night.",
            ),
        ),
        (
            "Tides",
            (
                "The gravity of the Moon raises two bulges of water on opposite sides of the Earth.",
                "As the Earth turns, each coast passes through these bulges, which gives most places two high tides a day.",
                "When the Sun and the Moon line up, at new and full moon, the tides are strongest, and these are called spring tides.",
                "When they pull at right angles, the weaker tides are called neap tides.",
            ),
        ),
        (
            "Exploration",
            (
                "The first spacecraft to reach the Moon was the Soviet probe Luna 2.",
                "It struck the surface in 1959.",
                "Neil Armstrong and Buzz Aldrin landed in the Sea of Tranquility on the 20th of July 1969.",
                "Twelve astronauts walked on the Moon between 1969 and 1972.",
                "The Apollo missions brought back 382 kilograms of lunar rock and soil.",
            ),
        ),
    ),
    (
        ask("fact", "How far away is the Moon?", part("average distance", "384400|384 400")),
        ask("fact", "What is the diameter of the Moon?", part("diameter is about", "3474|3 474")),
        ask(
            "fact", "How strong is gravity on the surface of the Moon?", part("metres per second squared", "1.62|sixth")
        ),
        ask("paraphrase", "How long does light take to travel from the Moon to us?", part("light covers", "1.3")),
        ask("paraphrase", "How quickly is the Moon drifting away from us?", part("moving away", "3.8")),
        ask("definition", "What is regolith?", part("called regolith", "dust|rock")),
        ask("definition", "What is tidal locking?", part(("same side always", "tidal locking"), "same side")),
        ask("definition", "What are spring tides?", part("spring tides", "line up|strongest")),
        ask(
            "why_how",
            "Why does the temperature change so much between day and night?",
            part("no atmosphere", "atmosphere"),
        ),
        ask("why_how", "How does the Moon cause the tides?", part("two bulges", "bulge")),
        ask(
            "yes_no",
            "Is the diameter of the Moon more than half that of the Earth?",
            part("diameter is about"),
            expect="no",
        ),
        ask("yes_no", "Do we always see the same side of the Moon?", part("same side always"), expect="yes"),
        ask(
            "two_part",
            "How long is the synodic month, and how long does one orbit take relative to the stars?",
            part(("takes about 29.5", "synodic month"), "29.5"),
            part("27.3 days", "27.3"),
        ),
        ask(
            "two_part_partial",
            "How many astronauts walked on the Moon, and how long did each moonwalk last?",
            part("twelve astronauts", "twelve|12"),
            missing="how long each moonwalk lasted",
        ),
        ask("fact", "What was the first spacecraft to reach the Moon?", part("first spacecraft", "luna")),
        ask("follow_up", "When did it get there?", part("struck the surface", "1959")),
        ask("nc_number", "How thick is the crust of the Moon?"),
        ask("nc_number", "How much lunar rock did the Soviet Luna missions bring back?"),
        ask("nc_neighbour", "How many moons does Mars have?"),
        ask("nc_offtopic", "Who wrote Hamlet?"),
    ),
)

SOURDOUGH = Lecture(
    "sourdough",
    "How to bake sourdough bread",
    "baking sourdough bread",
    "how-to: steps with quantities, times and temperatures",
    "piper",
    (
        (
            "The starter",
            (
                "In this guide you will learn how to bake a simple loaf of sourdough bread at home.",
                "Everything starts with the starter, a mixture of flour and water full of wild yeast and lactic acid bacteria.",
                "To make one, mix 50 grams of whole wheat flour with 50 grams of water in a clean jar.",
                "Every day, throw away half of it and feed it again with fresh flour and water.",
                "After about a week the starter should double in size within six hours of a feeding.",
                "A spoonful of active starter floats in water, which is a simple test that it is ready.",
            ),
        ),
        (
            "Mixing the dough",
            (
                "For one loaf, you need 500 grams of bread flour, 350 grams of water, 100 grams of active starter and 10 grams of salt.",
                "First, mix the flour and the water and let them rest for 45 minutes.",
                "This rest is called the autolyse, and it lets the flour absorb the water and start building gluten.",
                "Then add the starter and the salt, and squeeze the dough with wet hands until everything is combined.",
            ),
        ),
        (
            "Bulk fermentation and folds",
            (
                "Now the bulk fermentation begins, which takes four to six hours at about 24 degrees Celsius.",
                "During the first two hours, do a set of stretch and folds every 30 minutes.",
                "To do a fold, grab one side of the dough, pull it up and lay it over the middle, then turn the bowl and repeat four times.",
                "Folding strengthens the gluten without any kneading.",
                "The dough is ready when it has grown by about half and shows bubbles on the sides.",
            ),
        ),
        (
            "Shaping and the cold proof",
            (
                "Tip the dough onto a lightly floured counter and shape it into a tight ball.",
                "Place it seam side up in a basket dusted with rice flour, because rice flour does not stick.",
                "Cover the basket and put it in the fridge overnight, for 12 to 16 hours.",
                "This cold proof develops flavour and makes the loaf easier to score.",
            ),
        ),
        (
            "Baking",
            (
                "Put a Dutch oven in your oven and preheat it to 250 degrees Celsius for one hour.",
                "Turn the dough out onto baking paper and cut a slash across the top with a razor blade, which is called scoring.",
                "Bake it with the lid on for 20 minutes, so that the steam trapped inside lets the loaf rise.",
                "Then remove the lid, lower the heat to 230 degrees, and bake for another 25 minutes until the crust is deep brown.",
                "Finally, let the bread cool for at least one hour before slicing, or the inside will be gummy.",
            ),
        ),
    ),
    (
        ask("fact", "How much salt goes into one loaf?", part("10 grams of salt", "10 grams|ten grams|10 g")),
        ask("fact", "How hot should the oven be preheated?", part("preheat it to", "250")),
        ask("definition", "What is the autolyse?", part(("let them rest", "called the autolyse"), "rest|absorb")),
        ask("definition", "What is a sourdough starter?", part("everything starts", "flour", "water")),
        ask("definition", "What is scoring?", part("called scoring", "slash|cut")),
        ask(
            "paraphrase",
            "How often should I fold the dough in the first couple of hours?",
            part("every 30 minutes", "30 minutes|thirty minutes|half an hour"),
        ),
        ask(
            "paraphrase",
            "How can I tell that my starter is ready to use?",
            part(("double in size", "floats in water"), "float|double"),
        ),
        ask("why_how", "Why is rice flour used in the basket?", part("rice flour does not stick", "stick")),
        ask("why_how", "Why should the bread cool before slicing?", part("cool for at least", "gummy")),
        ask("why_how", "How do you do a fold?", part("to do a fold", "grab|middle|turn the bowl")),
        ask("yes_no", "Do I need to knead the dough?", part("without any kneading"), expect="no"),
        ask("yes_no", "Should the dough go in the fridge overnight?", part("fridge overnight"), expect="yes"),
        ask(
            "two_part",
            "How long is the first bake with the lid on, and how long is the second bake without it?",
            part("lid on for 20", "20 minutes|twenty minutes"),
            part("another 25 minutes", "25 minutes|twenty five minutes"),
        ),
        ask(
            "two_part_partial",
            "How much water goes into the dough, and what kind of water should I use?",
            part("350 grams of water", "350"),
            missing="the kind of water",
        ),
        ask(
            "fact",
            "How long should the dough proof in the fridge?",
            part("fridge overnight", "12|twelve", "16|sixteen"),
        ),
        ask("follow_up", "Why is it done cold?", part("cold proof develops", "flavour|flavor|score")),
        ask("nc_number", "How many calories are in one slice?"),
        ask("nc_neighbour", "How long does a sourdough loaf stay fresh?"),
        ask("nc_neighbour", "What temperature should the water be?"),
        ask("nc_offtopic", "Who won the 2018 football World Cup?"),
    ),
)

LECTURES: dict[str, Lecture] = {lecture.key: _resolve(lecture) for lecture in (BEES, MARKETS, CANAL, MOON, SOURDOUGH)}
