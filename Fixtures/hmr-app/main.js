import { state } from './store.js';
import { render } from './view.js';

const root = document.getElementById('app');
let draw = render;

root.querySelector('#more').addEventListener('click', () => {
  state.count += 1;
  draw(root);
});
draw(root);

if (import.meta.hot) {
  // A new view.js: draw with it, keep everything else (the count, the text typed in the box).
  import.meta.hot.accept('./view.js', (view) => {
    draw = view.render;
    draw(root);
  });
}
