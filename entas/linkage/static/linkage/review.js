// The review page's keyboard: a or y accepts, r or n rejects, s skips (the buttons name their keys
// in data-key). Not while typing in a field, and not with a modifier key held.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  const target = event.target;
  if (target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key.toLowerCase();
  const button = Array.from(document.querySelectorAll("form.decide button[data-key]"))
    .find((b) => b.dataset.key.split(" ").includes(key));
  if (button && !button.disabled) {
    event.preventDefault();
    button.disabled = true;  // one decision per pair, even if the key is pressed twice
    const form = button.form;
    const choice = document.createElement("input");
    choice.type = "hidden";
    choice.name = button.name;
    choice.value = button.value;
    form.appendChild(choice);
    form.submit();
  }
});
