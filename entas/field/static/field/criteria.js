/*
 * The graduation-criteria checklist, evaluated on the phone from the rule set's definition
 * (criteria.definition() on the server, `rules` in the caseload).
 *
 * This is a transcription of judge() in entas/graduation/criteria.py, and must stay one:
 * tests/field/criteria_cases.json is the one set of cases both evaluators are tested against
 * (tests/field/test_criteria_cases.py). Change the two together.
 *
 * Comparisons are exact integer arithmetic, as on the server: "numerator * per / denominator
 * op threshold" is evaluated as "numerator * per * scale op scaled(threshold) * denominator" with
 * BigInt, because an income of 10^15 rupiah times 100 is past what a double holds exactly.
 *
 * A plain script (no module, no dependency) so that the page and the service worker can both load it.
 */
(function (root) {
  "use strict";

  var MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER) + 1n; // 2^53: every integer up to it is a double

  // Python's dict.get: an inherited property of a plain object is not a value of the assessment.
  function read(values, key) {
    if (!Object.prototype.hasOwnProperty.call(values, key)) return null;
    var value = values[key];
    return value === undefined ? null : value;
  }

  // Python's int(): booleans are 0 and 1, and a float is truncated towards zero.
  function integer(value) {
    if (typeof value === "bigint") return value;
    if (typeof value === "boolean") return value ? 1n : 0n;
    if (typeof value === "number") return BigInt(Math.trunc(value));
    return BigInt(String(value).trim());
  }

  // n / d rounded to an integer, ties to the even one (Decimal.to_integral_value's default).
  function divideHalfEven(n, d) {
    var negative = n < 0n !== d < 0n;
    if (n < 0n) n = -n;
    if (d < 0n) d = -d;
    var q = n / d;
    var twice = (n % d) * 2n;
    if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
    return negative ? -q : q;
  }

  // The threshold as a whole number of 1/scale of its unit (1.1 * the line: 110). Read from its
  // decimal text, as Python's Decimal(str(threshold)) does: 1.1 * 100 in doubles is 110.00000000000001.
  function scaled(threshold, scale) {
    var text = String(threshold).trim();
    var parts = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
    if (!parts || (parts[2] + (parts[3] || "")) === "") throw new TypeError("not a number: " + text);
    var decimals = parts[3] || "";
    var exponent = (parts[4] ? parseInt(parts[4], 10) : 0) - decimals.length;
    var value = BigInt(parts[2] + decimals) * BigInt(scale);
    value = exponent >= 0 ? value * 10n ** BigInt(exponent) : divideHalfEven(value, 10n ** BigInt(-exponent));
    return parts[1] === "-" ? -value : value;
  }

  function compare(left, operator, right) {
    switch (operator) {
      case ">=": return left >= right;
      case ">": return left > right;
      case "<=": return left <= right;
      case "<": return left < right;
      case "=": return left === right;
    }
    throw new TypeError("not a comparison: " + operator);
  }

  // The measure's value as [numerator, denominator > 0], null when it is missing.
  function fraction(definition, field, unit, values, line) {
    var raw = read(values, definition.measures[field].column);
    if (raw === null) return null;
    var denominatorOf = definition.measures._units[unit].denominator;
    if (denominatorOf === null || denominatorOf === undefined) return [integer(raw), 1n];
    var below = denominatorOf === "poverty_line" ? (line === undefined ? null : line) : read(values, denominatorOf);
    if (below === null || below <= 0) return null;
    return [integer(raw), integer(below)];
  }

  // Whether "value op threshold" holds; null when the value is missing.
  function holds(definition, field, operator, threshold, unit, values, line) {
    var found = fraction(definition, field, unit, values, line);
    if (found === null) return null;
    var u = definition.measures._units[unit];
    return compare(found[0] * BigInt(u.per) * BigInt(u.scale), operator, scaled(threshold, u.scale) * found[1]);
  }

  function bitLength(n) {
    return n.toString(2).length;
  }

  // Python's int / int: the exact quotient rounded once to the nearest double, ties to even. A
  // double division is the same when both operands are doubles exactly; past 2^53 they would be
  // rounded first, so the quotient is then worked out in BigInt to 53 bits.
  function trueDivide(n, d) {
    var negative = n < 0n !== d < 0n;
    if (n < 0n) n = -n;
    if (d < 0n) d = -d;
    if (n <= MAX_EXACT && d <= MAX_EXACT) {
      var q = Number(n) / Number(d);
      return negative ? -q : q;
    }
    // Scaled so the integer quotient has 55 or 56 bits: two or more below the 53 kept, and a sticky remainder.
    var shift = 55 - (bitLength(n) - bitLength(d));
    var num = shift >= 0 ? n << BigInt(shift) : n;
    var den = shift >= 0 ? d : d << BigInt(-shift);
    var quotient = num / den;
    var inexact = num % den !== 0n;
    var extra = bitLength(quotient) - 53;
    var dropped = quotient & ((1n << BigInt(extra)) - 1n);
    var half = 1n << BigInt(extra - 1);
    quotient >>= BigInt(extra);
    if (dropped > half || (dropped === half && (inexact || (quotient & 1n) === 1n))) quotient += 1n;
    var result = Number(quotient) * Math.pow(2, extra - shift);
    return negative ? -result : result;
  }

  // Python's round() of a float: to the nearest integer, ties to the even one (2.5 -> 2, 3.5 -> 4).
  function roundHalfEven(x) {
    var floor = Math.floor(x);
    var rest = x - floor;
    var rounded = rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor;
    return rounded === 0 ? 0 : rounded; // never -0, which Python's int has no room for
  }

  function isWhole(value) {
    return typeof value === "bigint" || typeof value === "boolean" || Number.isInteger(value);
  }

  // The value read, as a person would write it (a share in %, rounded).
  function shownValue(definition, field, values) {
    var measure = definition.measures[field];
    var raw = read(values, measure.column);
    if (measure.type === "share") {
      var total = read(values, "school_age_children");
      if (raw === null || !total) return null;
      // Whole numbers divide exactly as Python's ints do; anything else is Python float arithmetic already.
      var share = isWhole(raw) && isWhole(total) ? trueDivide(100n * integer(raw), integer(total)) : 100 * raw / total;
      return roundHalfEven(share);
    }
    return raw;
  }

  // Per criterion of a definition: whether it applies, whether it is met (not met and `missing`:
  // the value is missing), and the value read. A criterion not applying counts as passed.
  function judge(definition, values, line) {
    var data = values || {};
    return definition.criteria.map(function (item) {
      var condition = item.condition === undefined ? null : item.condition;
      var applies = true;
      // Python's `if condition:`: an empty object is no condition.
      if (condition && Object.keys(condition).length) {
        var cUnit = condition.field === "per_capita_income" ? "rp" : definition.measures[condition.field].units[0];
        applies = holds(definition, condition.field, condition.operator, condition.value, cUnit, data, line) === true;
      }
      var met = applies ? holds(definition, item.field, item.operator, item.threshold, item.unit, data, line) : null;
      return {
        code: item.code, label: item.label, field: item.field, operator: item.operator,
        threshold: item.threshold, unit: item.unit, essential: item.essential,
        condition: condition, applies: applies, met: met === true, missing: applies && met === null,
        value: shownValue(definition, item.field, data), passed: !applies || met === true,
      };
    });
  }

  function allEssentialPassed(results) {
    return results.every(function (r) { return !r.essential || Boolean(r.passed); });
  }

  // The poverty line in force on an ISO date: lines are oldest first, and the last one that
  // started on or before the date counts.
  function lineOn(lines, isoDate) {
    var amount = null;
    (lines || []).forEach(function (line) {
      if (line.from <= isoDate) amount = line.amount;
    });
    return amount;
  }

  root.EntasField = root.EntasField || {};
  root.EntasField.criteria = { judge: judge, allEssentialPassed: allEssentialPassed, lineOn: lineOn };
})(typeof self !== "undefined" ? self : globalThis);
