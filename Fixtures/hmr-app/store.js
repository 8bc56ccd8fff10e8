// The app's state. A new version of this file takes the state of the old one over
// (import.meta.hot.data), so editing it keeps the count.
export const state = import.meta.hot?.data.state ?? { count: 0 };

if (import.meta.hot) {
  import.meta.hot.dispose((data) => { data.state = state; });
  import.meta.hot.accept();
}
