# Production image: web (gunicorn), worker and beat all run from it.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN python -c "import polib; polib.pofile('locale/zh_Hans/LC_MESSAGES/django.po').save_as_mofile('locale/zh_Hans/LC_MESSAGES/django.mo')" \
 && DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input \
 && useradd --system --home /app portal && mkdir -p /data/media && chown portal /data/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "5", "--access-logfile", "-"]
