/*
 * Behovsgraf network views: draws each [data-network] block with vis-network.
 *
 * The data comes from a JSON block the server escaped; every text reaches the page
 * through textContent or vis-network's canvas labels, never as HTML. Tooltips are
 * DOM elements. Physics runs until the layout is stable and is then switched off.
 * Each drawn network is exposed as window.behovsgraf.networks[i] for tests and
 * the browser console; its root element gets data-state="stable" when done.
 */
(function () {
  "use strict";

  var registry = (window.behovsgraf = window.behovsgraf || { networks: [] });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function tooltip(item, openText) {
    var box = element("div", "tip");
    var kind = element("p", "tip__type", item.typeName);
    kind.style.setProperty("--swatch", item.color.background);
    box.appendChild(kind);
    box.appendChild(element("p", "tip__label", item.fullLabel));
    if (item.facts.length) {
      var list = element("dl", "tip__facts");
      item.facts.forEach(function (fact) {
        list.appendChild(element("dt", null, fact[0]));
        list.appendChild(element("dd", null, fact[1]));
      });
      box.appendChild(list);
    }
    if (item.url) {
      box.appendChild(element("p", "tip__open", openText));
    }
    return box;
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function draw(root) {
    var started = performance.now();
    var payload = JSON.parse(root.querySelector("script[data-network-data]").textContent);
    var canvas = root.querySelector(".network__canvas");
    var loading = root.querySelector("[data-network-loading]");
    var openText = root.getAttribute("data-open-text") || "";
    payload.nodes.forEach(function (item) {
      item.title = tooltip(item, openText);
    });
    var nodes = new vis.DataSet(payload.nodes);
    var edges = new vis.DataSet(payload.edges);
    var network = new vis.Network(canvas, { nodes: nodes, edges: edges }, payload.options);
    var entry = { root: root, network: network, nodes: nodes, edges: edges, renderMs: null };
    registry.networks.push(entry);
    root.setAttribute("data-state", "drawing");

    function settle() {
      if (entry.renderMs !== null) {
        return;
      }
      network.setOptions({ physics: { enabled: false } });
      entry.renderMs = Math.round(performance.now() - started);
      if (loading) {
        loading.hidden = true;
      }
      root.setAttribute("data-render-ms", String(entry.renderMs));
      root.setAttribute("data-stable-at", String(Math.round(performance.now())));
      root.setAttribute("data-state", "stable");
    }
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
    if (!payload.nodes.length) {
      settle();
    }

    network.on("click", function (event) {
      if (event.nodes.length !== 1) {
        return;
      }
      var item = nodes.get(event.nodes[0]);
      if (item && item.url) {
        window.location.assign(item.url);
      }
    });
    network.on("hoverNode", function (event) {
      canvas.style.cursor = nodes.get(event.node).url ? "pointer" : "default";
    });
    network.on("blurNode", function () {
      canvas.style.cursor = "default";
    });

    wireTypeFilter(root, nodes);
    wireSearch(root, network, nodes);
    wireButtons(root, network);
  }

  function wireTypeFilter(root, nodes) {
    var toggles = root.querySelectorAll("[data-type-toggle]");
    toggles.forEach(function (toggle) {
      toggle.addEventListener("change", function () {
        var hidden = {};
        toggles.forEach(function (other) {
          hidden[other.value] = !other.checked;
        });
        nodes.update(
          nodes.get().map(function (item) {
            return { id: item.id, hidden: hidden[item.kind] === true };
          })
        );
        root.querySelectorAll(".network__table [data-types]").forEach(function (row) {
          row.hidden = row.getAttribute("data-types").split(" ").some(function (kind) {
            return hidden[kind] === true;
          });
        });
      });
    });
  }

  function wireSearch(root, network, nodes) {
    var form = root.querySelector("[data-network-search]");
    if (!form) {
      return;
    }
    var input = form.querySelector("input[type=search]");
    var status = form.querySelector("[data-network-search-status]");
    var template = status.getAttribute("data-template");
    var matches = [];

    function find() {
      var query = fold(input.value.trim());
      matches = !query
        ? []
        : nodes
            .get({ filter: function (item) { return !item.hidden && fold(item.fullLabel).indexOf(query) !== -1; } })
            .map(function (item) { return item.id; });
      network.selectNodes(matches);
      status.textContent = query ? template.replace("{count}", String(matches.length)) : "";
    }

    input.addEventListener("input", find);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      find();
      if (matches.length) {
        network.fit({ nodes: matches, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
      }
    });
    form.hidden = false;
  }

  function wireButtons(root, network) {
    var bar = root.querySelector("[data-network-buttons]");
    if (!bar) {
      return;
    }
    function zoom(factor) {
      network.moveTo({ scale: network.getScale() * factor, animation: { duration: 200 } });
    }
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) {
        return;
      }
      var action = button.getAttribute("data-action");
      if (action === "fit") {
        network.fit({ animation: { duration: 300 } });
      } else if (action === "zoom-in") {
        zoom(1.25);
      } else if (action === "zoom-out") {
        zoom(0.8);
      }
    });
    bar.hidden = false;
  }

  function start() {
    document.querySelectorAll("[data-network]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
