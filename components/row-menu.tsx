'use client';

import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import styles from '@/components/files.module.css';

/** Where the menu goes: under its button, right-aligned with it, inside the viewport. */
const positionOf = (button: HTMLElement | null) => {
  const rect = button?.getBoundingClientRect();

  return rect ? { top: rect.bottom + 4, right: Math.max(window.innerWidth - rect.right, 4) } : null;
};

export type MenuAction = { label: string; onSelect: () => void; isDanger?: boolean };

/**
 * An actions menu button (menu button pattern): Enter/Space/ArrowDown open it on the first item,
 * arrows move, Escape closes and gives focus back to the button, a click outside closes it.
 */
export const RowMenu = ({ label, actions }: { label: string; actions: MenuAction[] }) => {
  const [isOpen, setIsOpen] = useState(false);
  // Fixed to the viewport next to its button: the list scrolls sideways in its own box on phones,
  // and a menu inside that box would be clipped by it.
  const [position, setPosition] = useState<{ top: number; right: number } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);
  const id = useId();

  useEffect(() => {
    if (!isOpen) return;
    menuRef.current?.querySelector<HTMLButtonElement>('button')?.focus({ preventScroll: true });
    const close = (event: MouseEvent) => {
      if (!menuRef.current?.contains(event.target as Node) && event.target !== buttonRef.current) setIsOpen(false);
    };
    // The menu follows its button when the page or the list scrolls.
    const follow = () => setPosition(positionOf(buttonRef.current));
    document.addEventListener('mousedown', close);
    window.addEventListener('resize', follow);
    window.addEventListener('scroll', follow, true);

    return () => {
      document.removeEventListener('mousedown', close);
      window.removeEventListener('resize', follow);
      window.removeEventListener('scroll', follow, true);
    };
  }, [isOpen]);

  const open = () => {
    setPosition(positionOf(buttonRef.current));
    setIsOpen(true);
  };

  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape' || event.key === 'Tab') {
      if (event.key === 'Escape') event.preventDefault();
      setIsOpen(false);
      buttonRef.current?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(index + step + items.length) % items.length]?.focus({ preventScroll: true });
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? items[0] : items.at(-1))?.focus({ preventScroll: true });
    }
  };

  return (
    <span className={styles.menuWrap}>
      <button
        ref={buttonRef}
        type="button"
        className={styles.menuButton}
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls={isOpen ? id : undefined}
        aria-label={label}
        title={label}
        onClick={() => (isOpen ? setIsOpen(false) : open())}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') {
            event.preventDefault();
            open();
          }
        }}
      >
        ⋯
      </button>
      {isOpen ? (
        <ul
          ref={menuRef}
          id={id}
          role="menu"
          aria-label={label}
          className={styles.menu}
          style={position ?? undefined}
          onKeyDown={onMenuKey}
        >
          {actions.map((action) => (
            <li key={action.label} role="none">
              <button
                type="button"
                role="menuitem"
                className={action.isDanger ? styles.menuDanger : undefined}
                onClick={() => {
                  setIsOpen(false);
                  action.onSelect();
                }}
              >
                {action.label}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </span>
  );
};
