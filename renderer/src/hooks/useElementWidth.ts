/** The width of a chart's container, followed as the window or the layout around it changes. */
import { useEffect, useState } from 'react';

/** What {@link useElementWidth} gives: the ref to put on the element, its width, the element. */
export interface ElementWidth<T extends HTMLElement> {
  /** Put on the element to follow (a callback ref, so an element that mounts later is followed). */
  ref: (element: T | null) => void;
  /** Its width in CSS px (`clientWidth`); `initial` until measured, kept while it is hidden. */
  width: number;
  /** The element while it is in the page, else null. */
  element: T | null;
}

/**
 * Follows an element's width with a ResizeObserver. A width of 0 (the element or a parent hidden)
 * keeps the last width, so a chart does not collapse and redraw while out of sight.
 */
export function useElementWidth<T extends HTMLElement>(initial: number): ElementWidth<T> {
  const [element, setElement] = useState<T | null>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    if (!element) return;
    const measure = (): void => {
      const w = element.clientWidth;
      if (w > 0) setWidth(w);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return { ref: setElement, width, element };
}
