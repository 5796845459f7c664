/* Relay: the model picker — test models only when the server says to show them,
 * models that cannot run now disabled, with the reason.
 *
 * Uses Relay.api. Exports: Relay.loadModels({ model, modelReason }, storageKey): fills
 * the <select> and the text saying what is unavailable, choosing the remembered model.
 */
(() => {
  "use strict";

  const { api, storage } = window.Relay.api;

  async function loadModels(ui, storageKey) {
    let data;
    try {
      data = await api("/api/models");
    } catch {
      ui.model.replaceChildren(new Option("default", ""));
      return;
    }
    const models = (Array.isArray(data.models) ? data.models : []).filter(
      (model) => data.show_test_models || !model.test,
    );
    ui.model.replaceChildren(
      ...models.map((model) => {
        let label = model.backend && model.backend !== model.name
          ? `${model.name} (${model.backend})`
          : model.name;
        if (model.available === false) label += ` — unavailable: ${model.reason}`;
        const option = new Option(label, model.name);
        option.disabled = model.available === false;
        if (model.reason) option.title = model.reason;
        return option;
      }),
    );
    const usable = models.filter((model) => model.available !== false).map((m) => m.name);
    const saved = storage.get(storageKey);
    const preferred = [saved, data.default].find((name) => usable.includes(name));
    ui.model.value = preferred || usable[0] || "";
    const unavailable = models.filter((model) => model.available === false);
    ui.modelReason.textContent = unavailable.length
      ? `Unavailable: ${unavailable.map((m) => `${m.name} (${m.reason})`).join("; ")}`
      : "";
  }

  window.Relay.loadModels = loadModels;
})();
