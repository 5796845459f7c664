"""Labelled prompt pairs for the semantic cache: the tests' and the benchmark's set.

``SAME`` pairs ask the same thing in other words: the second must reuse the first's
answer. ``DIFFERENT`` pairs look alike but need another answer (negation, another
number, name, unit, direction, language, time...): the second must never reuse it.
"""

from __future__ import annotations

SAME: tuple[tuple[str, str], ...] = (
    ("What is the capital of France?", "What's the capital city of France?"),
    ("How do I reverse a list in Python?", "How can I reverse a Python list?"),
    ("Explain what a hash table is.", "Can you explain what a hash table is?"),
    ("What does HTTP status 404 mean?", "What is the meaning of HTTP status code 404?"),
    ("How do I exit vim?", "How can I quit vim?"),
    ("What is the boiling point of water?", "At what temperature does water boil?"),
    ("Summarize the plot of Hamlet.", "Give me a summary of the plot of Hamlet."),
    (
        "How do I create a virtual environment in Python?",
        "How to create a Python virtual environment?",
    ),
    ("What is the difference between TCP and UDP?", "What's the difference between TCP and UDP?"),
    ("Translate 'good morning' into Spanish.", "How do you say 'good morning' in Spanish?"),
    ("Who wrote Pride and Prejudice?", "Who is the author of Pride and Prejudice?"),
    ("How many days are in a leap year?", "How many days does a leap year have?"),
    ("What is a closure in JavaScript?", "Explain closures in JavaScript."),
    ("How do I undo the last git commit?", "How can I undo my last commit in git?"),
    ("Why is the sky blue?", "Why does the sky look blue?"),
    ("What are the symptoms of dehydration?", "What symptoms does dehydration cause?"),
    ("Give me a recipe for pancakes.", "Can you give me a pancake recipe?"),
    ("How does photosynthesis work?", "Can you explain how photosynthesis works?"),
    ("What is the speed of light?", "How fast does light travel?"),
    ("List the planets of the solar system.", "Can you list the planets in our solar system?"),
    (
        "How do I sort a dictionary by value in Python?",
        "How can I sort a Python dict by its values?",
    ),
    ("What is Docker used for?", "What do people use Docker for?"),
    ("Write a haiku about autumn.", "Please write a haiku about autumn."),
    ("How do I center a div in CSS?", "How can I center a div with CSS?"),
)

DIFFERENT: tuple[tuple[str, str], ...] = (
    # negation
    ("Is Python a compiled language?", "Is Python not a compiled language?"),
    ("Should I use tabs for indentation?", "Should I not use tabs for indentation?"),
    ("Which foods contain gluten?", "Which foods contain no gluten?"),
    ("Why does my code work?", "Why doesn't my code work?"),
    ("List the countries that use the euro.", "List the countries that don't use the euro."),
    # numbers
    (
        "I have 2 apples and eat one. How many are left?",
        "I have 3 apples and eat one. How many are left?",
    ),
    ("What is 17 times 23?", "What is 17 times 24?"),
    ("Convert 100 dollars to euros.", "Convert 200 dollars to euros."),
    ("What happened in 1989?", "What happened in 1998?"),
    ("Write a poem with 4 lines.", "Write a poem with 8 lines."),
    ("What is the 10th Fibonacci number?", "What is the 12th Fibonacci number?"),
    # names
    ("Who is Alice's manager?", "Who is Bob's manager?"),
    ("What is the capital of France?", "What is the capital of Germany?"),
    ("Summarize the plot of Hamlet.", "Summarize the plot of Macbeth."),
    ("How do I install Django?", "How do I install Flask?"),
    ("What is the population of Tokyo?", "What is the population of Osaka?"),
    ("Write a birthday message for Maria.", "Write a birthday message for John."),
    # units and scales
    ("Convert 5 miles to kilometers.", "Convert 5 kilometers to miles."),
    ("How many grams are in a pound?", "How many grams are in an ounce?"),
    ("What is 30 degrees Celsius in Fahrenheit?", "What is 30 degrees Fahrenheit in Celsius?"),
    ("How long is 3 hours in minutes?", "How long is 3 days in minutes?"),
    ("Is 10 MB bigger than 1 GB?", "Is 10 GB bigger than 1 GB?"),
    # direction, time, language, format
    ("Translate 'thank you' into French.", "Translate 'thank you' into German."),
    ("Sort this list in ascending order.", "Sort this list in descending order."),
    ("What was the weather like yesterday?", "What will the weather be like tomorrow?"),
    (
        "Write a function in Python that reverses a string.",
        "Write a function in Rust that reverses a string.",
    ),
)
