// The little the page needs beyond htmx: files or folders dropped on the drop zone go into its file input (a
// folder's files found by walking it), and the period picker opens the chosen round at once.
"use strict";

function fileOf(entry) {
  return new Promise(function (resolve, reject) { entry.file(resolve, reject); });
}

function batchOf(reader) {
  return new Promise(function (resolve, reject) { reader.readEntries(resolve, reject); });
}

async function walk(entry, found) {
  if (entry.isFile) {
    found.push(await fileOf(entry));
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

document.addEventListener("DOMContentLoaded", function () {
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
    });
    input.addEventListener("change", function () { zone.dataset.count = input.files.length; });
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
