import { useTranslations } from 'next-intl';
import styles from '@/components/page-loading.module.css';

/** What loading.tsx shows while the next page renders: a spinner and words for screen readers. */
export const PageLoading = ({ label }: { label?: string }) => {
  const t = useTranslations('shell');

  return (
    <div className={styles.loading} role="status" aria-live="polite" data-testid="page-loading">
      <span className={styles.spinner} aria-hidden="true" />
      <span>{label ?? t('loading')}</span>
    </div>
  );
};
