// Starts GraphiQL on /graphql with the app's own copies of React and GraphiQL (no CDN).
// Settings such as the example query come from the data attributes of #graphiql.
(function () {
  "use strict";
  const root = document.getElementById("graphiql");
  const url = window.location.origin + window.location.pathname;
  const fetcher = GraphiQL.createFetcher({ url: url });
  root.textContent = "";
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: root.dataset.query,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: false,
    }),
  );
})();
