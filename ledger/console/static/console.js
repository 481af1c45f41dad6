// The little the page needs beyond htmx: files or folders dropped on the drop zone go into its file input (a
// folder's files found by walking it), each file's modification time goes with it, a button clicked twice sends
// its form once, an upload's form is emptied once its returns are stored, and the period picker opens the chosen
// round at once.
"use strict";

function fileOf(entry) {
  return new Promise(function (resolve, reject) { entry.file(resolve, reject); });
}

function batchOf(reader) {
  return new Promise(function (resolve, reject) { reader.readEntries(resolve, reject); });
}

// a dropped folder's file is named by its path in the folder (as a chosen folder's file is uploaded), so two of
// one name in two folders are told apart: each keeps its own modification time
async function walk(entry, found) {
  if (entry.isFile) {
    var file = await fileOf(entry);
    var path = entry.fullPath.replace(/^\//, "");
    found.push(path === file.name ? file : new File([file], path, { type: file.type, lastModified: file.lastModified }));
    return;
  }
  var reader = entry.createReader();
  for (var batch = await batchOf(reader); batch.length; batch = await batchOf(reader)) {
    for (var i = 0; i < batch.length; i++) await walk(batch[i], found);
  }
}

async function droppedFiles(transfer) {
  // the entries are taken before the first await: the browser empties the drop's items after the event
  var entries = Array.from(transfer.items || [])
    .map(function (item) { return item.webkitGetAsEntry ? item.webkitGetAsEntry() : null; })
    .filter(Boolean);
  if (!entries.length) return Array.from(transfer.files);
  var found = [];
  for (var i = 0; i < entries.length; i++) await walk(entries[i], found);
  return found;
}

// Each chosen file's modification time, which the upload itself does not carry, by the name it is uploaded under
// (a chosen folder's files under their path in it): the console stores the file with it, so a return saved on
// arrival and uploaded later is taken as `ledger collect` takes that file.
function stamp(form) {
  var field = form.querySelector("input[name=modified]");
  if (!field) return;
  var found = [];
  form.querySelectorAll("input[type=file]").forEach(function (input) {
    Array.from(input.files || []).forEach(function (file) {
      found.push([file.webkitRelativePath || file.name, file.size, file.lastModified]);
    });
  });
  field.value = JSON.stringify(found);
}

// A button sends its form once (a double click, as buttons on Windows are often given, ran an action twice, and the
// second said it failed): the form's buttons rest while its request is on its way and while the job it started
// runs, and come back once that job is done (its panel's last answer says so: `ledger-changed`, with its id) or
// when the action was refused before it started.
function rest(form, resting) {
  form.querySelectorAll("button").forEach(function (button) { button.disabled = resting; });
}

document.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.elt.tagName === "FORM") rest(event.detail.elt, true);
});

document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (form.tagName !== "FORM") return;
  var started = event.detail.successful && /<article class="job (?:queued|waiting|running)" id="job-([0-9a-f]+)"/
    .exec(event.detail.xhr.responseText);
  if (started) form.dataset.job = started[1];
  else rest(form, false);
});

document.addEventListener("ledger-changed", function (event) {
  document.querySelectorAll("form[data-job]").forEach(function (form) {
    if (form.dataset.job !== event.detail.value) return;
    delete form.dataset.job;
    rest(form, false);
    if (event.detail.done && "emptyWhenStored" in form.dataset) empty(form);
  });
});

// Once the returns of an upload are stored, its form is emptied: the next files chosen are not sent with the
// received time typed for these (a late return was stored as received then) nor with these files again. An upload
// that failed keeps what the clerk typed and chose, to correct and send again.
function empty(form) {
  form.reset();
  form.querySelectorAll("input[name=modified]").forEach(function (field) { field.value = ""; });
  form.querySelectorAll(".dropzone").forEach(function (zone) { delete zone.dataset.count; });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form input[type=file]").forEach(function (input) {
    input.addEventListener("change", function () { stamp(input.form); });
  });
  document.querySelectorAll(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", async function (event) {
      event.preventDefault();
      var files = await droppedFiles(event.dataTransfer);
      var kept = new DataTransfer();
      files.forEach(function (file) { kept.items.add(file); });
      input.files = kept.files;
      zone.dataset.count = input.files.length;
      stamp(input.form);
    });
    input.addEventListener("change", function () { zone.dataset.count = input.files.length; });
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
