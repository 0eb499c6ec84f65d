// Passkeys and security keys on Gatehouse's pages (no inline script: CSP script-src 'self').
// A form with a hidden field marked data-webauthn="authenticate" or "register" runs the
// ceremony when submitted, with the options in the field's data-webauthn-options, puts the
// browser's answer (JSON) into the field and submits the form. The library is
// /assets/simplewebauthn-browser.js (global SimpleWebAuthnBrowser).
(function () {
  'use strict';

  function show(kind) {
    var messages = document.querySelectorAll('[data-webauthn-message]');
    for (var i = 0; i < messages.length; i++) messages[i].hidden = messages[i].getAttribute('data-webauthn-message') !== kind;
  }

  function attach(field) {
    var form = field.form;
    var mode = field.getAttribute('data-webauthn');
    var library = window.SimpleWebAuthnBrowser;
    if (!library || !library.browserSupportsWebAuthn()) {
      show('unsupported');
      var buttons = form.querySelectorAll('button[type="submit"]');
      for (var b = 0; b < buttons.length; b++) buttons[b].disabled = true;
      return;
    }
    var busy = false;
    form.addEventListener('submit', function (event) {
      if (field.value) return; // the answer is in: let the form go
      event.preventDefault();
      if (busy || (mode === 'register' && !form.reportValidity())) return;
      busy = true;
      show('none');
      var optionsJSON = JSON.parse(field.getAttribute('data-webauthn-options'));
      var ceremony = mode === 'register' ? library.startRegistration({ optionsJSON: optionsJSON }) : library.startAuthentication({ optionsJSON: optionsJSON });
      ceremony.then(
        function (response) {
          field.value = JSON.stringify(response);
          form.submit();
        },
        function () {
          // Cancelled, timed out, or refused by the authenticator (e.g. already registered): say so, let the person try again.
          busy = false;
          show('cancelled');
        },
      );
    });
  }

  function start() {
    var fields = document.querySelectorAll('input[data-webauthn]');
    for (var i = 0; i < fields.length; i++) attach(fields[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
