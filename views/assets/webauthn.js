// Passkeys and security keys on Gatehouse's pages (no inline script: CSP script-src 'self').
// A form with a hidden field marked data-webauthn="authenticate", "register" or "discover"
// runs the ceremony when submitted, with the options in the field's data-webauthn-options,
// puts the browser's answer (JSON) into the field and submits the form. "discover" is the
// sign-in page's "Sign in with a passkey": its block (data-passkey-first) is shown only
// where the browser can use passkeys, and the browser may also offer them in the user ID
// field's autofill (conditional mediation). The library is /assets/simplewebauthn-browser.js
// (global SimpleWebAuthnBrowser).
(function () {
  'use strict';

  function show(kind) {
    var messages = document.querySelectorAll('[data-webauthn-message]');
    for (var i = 0; i < messages.length; i++) messages[i].hidden = messages[i].getAttribute('data-webauthn-message') !== kind;
  }

  function answer(field, response) {
    field.value = JSON.stringify(response);
    field.form.submit();
  }

  // The user ID field's autofill lists the person's passkeys; choosing one signs in. A
  // request the button replaces is aborted by the library: nothing to say then.
  function offerInAutofill(library, field) {
    library.browserSupportsWebAuthnAutofill().then(function (can) {
      if (!can) return;
      var optionsJSON = JSON.parse(field.getAttribute('data-webauthn-options'));
      library.startAuthentication({ optionsJSON: optionsJSON, useBrowserAutofill: true }).then(
        function (response) {
          answer(field, response);
        },
        function () {},
      );
    });
  }

  function attach(field) {
    var form = field.form;
    var mode = field.getAttribute('data-webauthn');
    var library = window.SimpleWebAuthnBrowser;
    var supported = library && library.browserSupportsWebAuthn();
    if (mode === 'discover') {
      if (!supported) return; // the password form is all there is
      var block = field.closest('[data-passkey-first]');
      if (block) block.hidden = false;
      offerInAutofill(library, field);
    }
    if (!supported) {
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
          answer(field, response);
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
