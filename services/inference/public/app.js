// The passenger form: posts to /v1/predict and shows the answer. No dependencies, works offline.
const form = document.getElementById('passenger-form');
const $ = (id) => document.getElementById(id);

fetch('/v2/models/titanic')
  .then((r) => r.json())
  .then((m) => {
    $('model-version').textContent = m.versions?.[0] ?? 'unknown';
  })
  .catch(() => {
    $('model-version').textContent = 'unavailable';
  });

const percent1 = (x) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

function showLiveRow(row, model) {
  const cell = (name) => row.querySelector(`[data-field="${name}"]`);
  cell('version').textContent = model.version;
  const live = model.live;
  cell('labelled').textContent = live ? String(live.labelled) : '0';
  cell('accuracy').textContent = `${live ? percent1(live.accuracy) : '–'} (${percent1(model.card.accuracy)})`;
  cell('brier').textContent = `${live ? live.brier.toFixed(3) : '–'} (${model.card.brier.toFixed(3)})`;
}

async function refreshLive() {
  try {
    const live = await (await fetch('/v1/live')).json();
    showLiveRow($('live-served'), live.model);
    const shadow = live.shadow;
    $('live-shadow').hidden = !shadow;
    $('live-agreement').hidden = !shadow?.comparison;
    if (shadow) showLiveRow($('live-shadow'), shadow);
    if (shadow?.comparison) {
      $('agreement').textContent = percent1(shadow.comparison.agreement);
      $('agreement-pairs').textContent = String(shadow.comparison.pairs);
    }
  } catch {
    // The figures stay as they were; the next refresh tries again.
  }
}
refreshLive();
setInterval(refreshLive, 5000);

function numberOrNull(value) {
  const text = value.trim();
  return text === '' ? null : Number(text);
}

function passengerFromForm() {
  const f = new FormData(form);
  const passenger = {
    pclass: Number(f.get('pclass')),
    sex: f.get('sex'),
    age: numberOrNull(f.get('age')),
    sibsp: numberOrNull(f.get('sibsp')) ?? 0,
    parch: numberOrNull(f.get('parch')) ?? 0,
    fare: numberOrNull(f.get('fare')),
    embarked: f.get('embarked') || null,
  };
  const name = f.get('name').trim();
  if (name) passenger.name = name;
  return passenger;
}

function clearErrors() {
  for (const el of document.querySelectorAll('.field-error')) el.textContent = '';
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  $('form-error').textContent = '';
}

function showErrors(error) {
  let placed = false;
  for (const issue of error.issues ?? []) {
    const slot = document.querySelector(`[data-error-for="${CSS.escape(issue.path)}"]`);
    if (slot) {
      slot.textContent = issue.message;
      $(issue.path)?.setAttribute('aria-invalid', 'true');
      placed = true;
    }
  }
  if (!placed) $('form-error').textContent = error.message ?? 'The request failed.';
}

function showResult(body) {
  const percent = Math.round(body.probability * 1000) / 10;
  $('verdict').textContent = body.survived ? 'Likely survived' : 'Likely did not survive';
  $('probability').textContent = `${percent}%`;
  $('meter-fill').style.width = `${percent}%`;
  $('result-model').textContent = body.model.version;
  $('request-id').textContent = body.requestId;
  $('result').hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  $('predict').disabled = true;
  try {
    const headers = { 'Content-Type': 'application/json' };
    const key = $('api-key').value.trim();
    if (key) headers.Authorization = `Bearer ${key}`;
    const response = await fetch('/v1/predict', {
      method: 'POST',
      headers,
      body: JSON.stringify(passengerFromForm()),
    });
    const body = await response.json();
    if (response.ok) {
      showResult(body);
      refreshLive();
    } else {
      $('result').hidden = true;
      showErrors(body.error ?? {});
    }
  } catch {
    $('form-error').textContent = 'The server could not be reached.';
  } finally {
    $('predict').disabled = false;
  }
});
