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
    if (response.ok) showResult(body);
    else {
      $('result').hidden = true;
      showErrors(body.error ?? {});
    }
  } catch {
    $('form-error').textContent = 'The server could not be reached.';
  } finally {
    $('predict').disabled = false;
  }
});
