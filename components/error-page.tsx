import Link from 'next/link';
import { useTranslations } from 'next-intl';
import type { ReactNode } from 'react';
import styles from '@/components/error-page.module.css';

type Props = {
  title: string;
  children?: ReactNode;
  /** Where "back" goes: the document list by default. */
  backHref?: string;
  backLabel?: string;
  /** Extra actions next to the way back (a retry button, …). */
  actions?: ReactNode;
};

/**
 * An error or not-found message inside the portal's page (header and main come from the layout
 * around it): a heading, what happened, and a way back.
 */
export const ErrorPage = ({ title, children, backHref = '/', backLabel, actions }: Props) => {
  const t = useTranslations('errors');

  return (
    <section className={styles.panel} aria-labelledby="error-title" data-testid="error-page">
      <h1 id="error-title">{title}</h1>
      {children}
      <p className={styles.actions}>
        <Link href={backHref} data-testid="error-back">
          ← {backLabel ?? t('backToDocuments')}
        </Link>
        {actions}
      </p>
    </section>
  );
};
