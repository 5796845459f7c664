/* Relay: the agent's questions as a form, and the record of what was answered.
 *
 * Exports: Relay.questions = { questionsForm, qaRecord }.
 */
(() => {
  "use strict";

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /**
   * A form with one labelled field per question, "Send answers" and "Skip" (which
   * sends an empty answer to each). `send(answers)` posts them; if it throws, the
   * error is shown and the form can be sent again.
   */
  function questionsForm(questions, idPrefix, send) {
    const form = element("form", "questions-form");
    const title = questions.length === 1 ? "The agent has a question" : "The agent has questions";
    const heading = element("p", "questions-title", title);
    heading.id = `${idPrefix}-title`;
    form.setAttribute("aria-labelledby", heading.id);
    form.append(heading);
    questions.forEach((question, index) => {
      const row = element("div", "question");
      const label = element("label", "", String(question));
      const input = element("textarea", "question-input");
      input.id = label.htmlFor = `${idPrefix}-${index}`;
      input.rows = 2;
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
      row.append(label, input);
      form.append(row);
    });
    const submit = element("button", "button primary answer-questions", "Send answers");
    submit.type = "submit";
    const skip = element("button", "button skip-questions", "Skip");
    skip.type = "button";
    const actions = element("div", "question-actions");
    actions.append(submit, skip);
    const error = element("p", "form-error");
    error.setAttribute("role", "alert");
    form.append(actions, error);

    const answer = async (answers) => {
      submit.disabled = skip.disabled = true;
      error.textContent = "";
      try {
        await send(answers);
      } catch (err) {
        error.textContent = `Could not send the answers: ${err.message}`;
        submit.disabled = skip.disabled = false;
      }
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      answer([...form.querySelectorAll(".question-input")].map((input) => input.value));
    });
    skip.addEventListener("click", () => answer(questions.map(() => "")));
    return form;
  }

  /** The record of one round: each question with the user's answer. */
  function qaRecord(questions, answers) {
    const list = element("dl", "qa-round");
    questions.forEach((question, index) => {
      const answer = answers[index];
      list.append(
        element("dt", "", String(question)),
        element("dd", answer ? "" : "skipped", answer ? String(answer) : "(skipped)"),
      );
    });
    return list;
  }

  window.Relay.questions = { questionsForm, qaRecord };
})();
